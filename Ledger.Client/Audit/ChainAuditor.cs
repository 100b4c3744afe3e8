using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Audit;

/// <summary>
/// Re-verifies a chain block by block, from height 1 (or from a verified checkpoint): header shape,
/// hash link to the previous block, every transaction's signature against the genesis member keys,
/// tx_root and the global log root recomputed from the transactions and their results. Feed blocks
/// in order with <see cref="Append"/>; the first problem is returned with its height and the
/// auditor stops accepting blocks.
/// </summary>
public sealed class ChainAuditor
{
    private readonly ConsortiumGenesis genesis;
    private readonly IHashAlgorithm hash;
    private readonly MerkleHasher hasher;
    private readonly int parallelism;
    private readonly Dictionary<string, PublicKey> memberKeys = new(StringComparer.Ordinal);
    private CompactMerkleTree log;
    private BlockHeader? previous;
    private ulong previousHeight;
    private byte[]? previousHash;

    public ChainAuditor(ConsortiumGenesis genesis, int parallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        this.parallelism = parallelism;
        this.genesis = genesis;
        hash = CryptoSuites.Get(genesis.Suite).Hash;
        hasher = new MerkleHasher(hash);
        log = new CompactMerkleTree(hasher);
        foreach (var member in genesis.Members)
        {
            foreach (var key in member.Keys)
            {
                var suite = CryptoSuites.Get(key.Suite);
                memberKeys[Convert.ToHexStringLower(suite.DeriveKeyId(key.PublicKey).Bytes)] = suite.DecodePublicKey(key.PublicKey);
            }
        }
    }

    public IHashAlgorithm ChainHash => hash;

    public ulong VerifiedHeight => previousHeight;

    public ulong TransactionsVerified { get; private set; }

    public AuditFailure? Failure { get; private set; }

    /// <summary>The last verified header (for checkpoints).</summary>
    public BlockHeader? LastHeader => previous;

    /// <summary>Verifies the next block; returns false (and sets <see cref="Failure"/>) at the first problem.</summary>
    public bool Append(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (Failure is not null)
        {
            return false;
        }

        var header = block.Header;
        var expectedHeight = previousHeight + 1;
        if (header is null)
        {
            return Fail(expectedHeight, "block has no header");
        }

        if (header.Height != expectedHeight)
        {
            return Fail(expectedHeight, $"expected block {expectedHeight}, got {header.Height}");
        }

        var shape = BlockHeaderValidation.CheckShape(header, hash);
        if (shape != BlockValidationError.None)
        {
            return Fail(header.Height, $"header malformed: {shape}");
        }

        if (header.ChainId != genesis.ChainId)
        {
            return Fail(header.Height, $"chain id '{header.ChainId}' is not '{genesis.ChainId}'");
        }

        var expectedPrevious = previousHash ?? new byte[hash.HashSizeBytes];
        if (!header.PrevBlockHash.Span.SequenceEqual(expectedPrevious))
        {
            return Fail(header.Height, $"prev_block_hash {Convert.ToHexStringLower(header.PrevBlockHash.Span)} is not the hash of block {header.Height - 1} ({Convert.ToHexStringLower(expectedPrevious)})");
        }

        if (block.Transactions.Count != block.Results.Count || block.Transactions.Count != header.TxCount)
        {
            return Fail(header.Height, $"{block.Transactions.Count} transactions, {block.Results.Count} results, header says {header.TxCount}");
        }

        // Signatures dominate the cost: check them (and hash the leaves) across cores, then fold
        // the leaves into the trees in order.
        var count = block.Transactions.Count;
        var problems = new string?[count];
        var leaves = new byte[count][];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            var transaction = block.Transactions[i];
            problems[i] = CheckSignature(transaction);
            leaves[i] = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(hash, transaction), block.Results[i], hash);
        });
        var txTree = new CompactMerkleTree(hasher);
        var nextLog = log.Clone();
        for (var i = 0; i < count; i++)
        {
            if (problems[i] is { } problem)
            {
                return Fail(header.Height, $"transaction {i}: {problem}");
            }

            txTree.AppendLeafHash(leaves[i]);
            nextLog.AppendLeafHash(leaves[i]);
        }

        var root = new byte[hash.HashSizeBytes];
        txTree.ComputeRoot(root);
        if (!header.TxRoot.Span.SequenceEqual(root))
        {
            return Fail(header.Height, $"tx_root {Convert.ToHexStringLower(header.TxRoot.Span)} is not the root of the block's transactions ({Convert.ToHexStringLower(root)})");
        }

        if (nextLog.Size != header.LogSize)
        {
            return Fail(header.Height, $"log_size {header.LogSize}, but {nextLog.Size} transactions since genesis");
        }

        nextLog.ComputeRoot(root);
        if (!header.LogRoot.Span.SequenceEqual(root))
        {
            return Fail(header.Height, $"log_root {Convert.ToHexStringLower(header.LogRoot.Span)} is not the root of all transactions so far ({Convert.ToHexStringLower(root)})");
        }

        log = nextLog;
        previous = header;
        previousHeight = header.Height;
        previousHash = BlockHash.Compute(header, hash);
        TransactionsVerified += (ulong)block.Transactions.Count;
        return true;
    }

    /// <summary>The state to resume from later: the last verified block's height and hash and the log it commits to.</summary>
    public AuditCheckpoint? Checkpoint()
    {
        if (previousHash is null)
        {
            return null;
        }

        var root = new byte[hash.HashSizeBytes];
        log.ComputeRoot(root);
        return new AuditCheckpoint(previousHeight, Convert.ToHexStringLower(previousHash), log.Size, Convert.ToHexStringLower(root));
    }

    /// <summary>
    /// Resumes after a checkpoint without re-reading the blocks before it. The log frontier is
    /// rebuilt from the inclusion proof of the checkpoint log's last leaf, which is verified
    /// against the checkpoint's log root first: for leaf n-1 of n that path is exactly the
    /// complete subtrees on the tree's right edge.
    /// </summary>
    public static ChainAuditor FromCheckpoint(ConsortiumGenesis genesis, AuditCheckpoint checkpoint, ReadOnlySpan<byte> lastLeafHash, IReadOnlyList<byte[]> lastLeafPath, int parallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(lastLeafPath);
        var auditor = new ChainAuditor(genesis, parallelism);
        var size = checkpoint.LogSize;
        var root = Convert.FromHexString(checkpoint.LogRoot);
        if (size > 0)
        {
            MerkleProofVerifier.VerifyInclusion(auditor.hasher, size - 1, size, lastLeafHash, lastLeafPath, root);
            var nodes = new Dictionary<(int, ulong), byte[]>();
            var level = System.Numerics.BitOperations.TrailingZeroCount(size);
            var subtree = lastLeafHash.ToArray();
            for (var i = 0; i < level; i++)
            {
                subtree = auditor.hasher.HashChildren(lastLeafPath[i], subtree);
            }

            nodes[(level, (size >> level) - 1)] = subtree;
            var next = level;
            for (var bit = level + 1; bit < 64; bit++)
            {
                if (((size >> bit) & 1) == 1)
                {
                    nodes[(bit, (size >> bit) - 1)] = lastLeafPath[next++];
                }
            }

            auditor.log = CompactMerkleTree.Restore(auditor.hasher, new DictionaryReader(nodes), size);
            var restored = new byte[auditor.hash.HashSizeBytes];
            auditor.log.ComputeRoot(restored);
            if (!restored.AsSpan().SequenceEqual(root))
            {
                throw new ClientVerificationException("log frontier rebuilt from the checkpoint does not reproduce its root");
            }
        }

        auditor.previousHeight = checkpoint.Height;
        auditor.previousHash = Convert.FromHexString(checkpoint.BlockHash);
        return auditor;
    }

    /// <summary>Records a problem found outside the block contents (e.g. a store that cannot read a block).</summary>
    public void RecordFailure(ulong height, string reason)
    {
        Failure ??= new AuditFailure(height, reason);
    }

    private string? CheckSignature(SignedTransaction transaction)
    {
        TransactionEnvelope envelope;
        try
        {
            envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "envelope does not parse";
        }

        if (!memberKeys.TryGetValue(Convert.ToHexStringLower(envelope.SignerKeyId.Span), out var key))
        {
            // Keys added by governance after genesis are not tracked yet: reported, not guessed.
            return $"signer key {Convert.ToHexStringLower(envelope.SignerKeyId.Span)} is not a genesis member key";
        }

        return TransactionSigning.Verify(key, transaction, genesis.ChainId) ? null : "signature does not verify";
    }

    private bool Fail(ulong height, string reason)
    {
        Failure = new AuditFailure(height, reason);
        return false;
    }
}

/// <summary>Where an audit stopped: resume with <see cref="ChainAuditor.FromCheckpoint"/>.</summary>
public sealed record AuditCheckpoint(ulong Height, string BlockHash, ulong LogSize, string LogRoot);

/// <summary>The first block that failed an audit and why.</summary>
public sealed record AuditFailure(ulong Height, string Reason);

internal sealed class DictionaryReader(Dictionary<(int Level, ulong Index), byte[]> nodes) : IMerkleSubtreeReader
{
    public void ReadSubtreeHash(int level, ulong index, Span<byte> destination)
    {
        if (!nodes.TryGetValue((level, index), out var value))
        {
            throw new InvalidOperationException($"no subtree ({level}, {index}) in the checkpoint frontier");
        }

        value.CopyTo(destination);
    }
}
