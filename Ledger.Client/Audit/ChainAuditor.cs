using System.Buffers;
using System.Collections.Concurrent;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Audit;

/// <summary>
/// Re-verifies a chain block by block, from height 1 (or from a verified checkpoint): header shape,
/// hash link to the previous block, every transaction's signature against the member keys in
/// force at its position, tx_root and the global log root recomputed from the transactions and
/// their results, and — when attestations are supplied — each header's node signatures against the
/// node set in force at that height. Keys and nodes come from the genesis plus the governance
/// changes the chain itself records (<see cref="ConsortiumState"/>, Core only: the auditor does
/// not load the registry). Feed blocks in order; the first problem is returned with its height
/// and the auditor stops accepting blocks.
/// </summary>
/// <remarks>
/// Cost is dominated by signature verification, so blocks are taken in groups
/// (<see cref="Append(IReadOnlyList{Block}, IReadOnlyList{IReadOnlyList{Attestation}?}?)"/>): one
/// parallel pass over all their transactions (envelope fields read in place, transaction and leaf
/// hashes, signature against the key known when the group started), then one ordered pass that
/// folds the trees, replays governance and verifies the few transactions signed by a key added
/// inside the group. A per-block barrier would idle cores at every block's tail.
/// </remarks>
public sealed class ChainAuditor
{
    /// <summary>Transactions verified in one parallel pass; bounds the per-pass buffers.</summary>
    public const int TransactionsPerPassMax = 65_536;

    /// <summary>Transactions a worker takes at a time: large enough to amortise scheduling, small enough to balance the tail.</summary>
    private const int SlotsPerChunk = 64;

    private readonly IHashAlgorithm hash;
    private readonly MerkleHasher hasher;
    private readonly int parallelism;
    private CompactMerkleTree log;
    private BlockHeader? previous;
    private ulong previousHeight;
    private byte[]? previousHash;

    /// <summary>An auditor starting from <paramref name="genesis"/> (height 0); <paramref name="parallelism"/> bounds the threads that check signatures (-1: one per core).</summary>
    public ChainAuditor(ConsortiumGenesis genesis, int parallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        this.parallelism = parallelism;
        Consortium = new ConsortiumState(genesis);
        hash = CryptoSuites.Get(genesis.Suite).Hash;
        hasher = new MerkleHasher(hash);
        log = new CompactMerkleTree(hasher);
    }

    /// <summary>The consortium suite's hash (transaction hashes, Merkle trees, block hashes).</summary>
    public IHashAlgorithm ChainHash => hash;

    /// <summary>Members' keys and the node set as of the last verified block.</summary>
    public ConsortiumState Consortium { get; private set; }

    /// <summary>Height of the last block that passed every check (0 before the first block).</summary>
    public ulong VerifiedHeight => previousHeight;

    /// <summary>Transactions whose signature, envelope and result were checked so far.</summary>
    public ulong TransactionsVerified { get; private set; }

    /// <summary>Blocks whose supplied attestations reached a quorum of the node set at their height.</summary>
    public ulong CertifiedBlocks { get; private set; }

    /// <summary>Highest block certified by its supplied attestations (0 = none).</summary>
    public ulong LastCertifiedHeight { get; private set; }

    /// <summary>The first check that failed, with its height; null while the chain is sound.</summary>
    public AuditFailure? Failure { get; private set; }

    /// <summary>The last verified header (for checkpoints).</summary>
    public BlockHeader? LastHeader => previous;

    /// <summary>Verifies the next block; returns false (and sets <see cref="Failure"/>) at the first problem.</summary>
    public bool Append(Block block, IReadOnlyList<Attestation>? attestations = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Append([block], attestations is null ? null : [attestations]);
    }

    /// <summary>
    /// Verifies the next blocks in order. <paramref name="attestations"/>, when given, holds per
    /// block the node signatures to check (null or empty: that block is not claimed certified).
    /// Returns false at the first problem.
    /// </summary>
    public bool Append(IReadOnlyList<Block> blocks, IReadOnlyList<IReadOnlyList<Attestation>?>? attestations = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (attestations is not null && attestations.Count != blocks.Count)
        {
            throw new ArgumentException($"{attestations.Count} attestation lists for {blocks.Count} blocks", nameof(attestations));
        }

        var start = 0;
        while (start < blocks.Count && Failure is null)
        {
            // A pass covers whole blocks up to the bound (a single larger block is one pass).
            var end = start;
            var count = 0;
            do
            {
                count += blocks[end].Transactions.Count;
                end++;
            }
            while (end < blocks.Count && count + blocks[end].Transactions.Count <= TransactionsPerPassMax);

            Pass(blocks, attestations, start, end, count);
            start = end;
        }

        return Failure is null;
    }

    /// <summary>The state to resume from later: the last verified block's height and hash, the log it commits to, and the governance replayed so far.</summary>
    public AuditCheckpoint? Checkpoint()
    {
        if (previousHash is null)
        {
            return null;
        }

        var root = new byte[hash.HashSizeBytes];
        log.ComputeRoot(root);
        var governance = new List<AuditCheckpointGovernance>(Consortium.History.Count);
        foreach (var entry in Consortium.History)
        {
            governance.Add(new AuditCheckpointGovernance(
                entry.Height,
                entry.Position,
                Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(entry.Transaction)),
                Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(entry.Result))));
        }

        return new AuditCheckpoint(previousHeight, Convert.ToHexStringLower(previousHash), log.Size, Convert.ToHexStringLower(root)) { Governance = governance };
    }

    /// <summary>
    /// Resumes after a checkpoint without re-reading the blocks before it. The log frontier is
    /// rebuilt from the inclusion proof of the checkpoint log's last leaf, which is verified
    /// against the checkpoint's log root first: for leaf n-1 of n that path is exactly the
    /// complete subtrees on the tree's right edge. The consortium state is rebuilt by replaying
    /// the checkpoint's governance transactions.
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

        foreach (var entry in checkpoint.Governance ?? [])
        {
            var transaction = SignedTransaction.Parser.ParseFrom(Convert.FromBase64String(entry.Transaction));
            var result = TransactionResult.Parser.ParseFrom(Convert.FromBase64String(entry.Result));
            auditor.Consortium.Observe(entry.Height, entry.Position, transaction, TransactionHashing.ComputeHash(auditor.hash, transaction), result);
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

    /// <summary>Fails the audit unless block <paramref name="height"/> (claimed certified by the source) was certified by the attestations checked.</summary>
    public bool RequireCertified(ulong height)
    {
        if (Failure is null && height > LastCertifiedHeight)
        {
            Failure = new AuditFailure(height, $"the source claims block {height} is certified, but the audit found a node quorum only up to block {LastCertifiedHeight}");
        }

        return Failure is null;
    }

    private void Pass(IReadOnlyList<Block> blocks, IReadOnlyList<IReadOnlyList<Attestation>?>? attestations, int start, int end, int count)
    {
        var hashBytes = hash.HashSizeBytes;
        var leaves = ArrayPool<byte>.Shared.Rent(Math.Max(1, count * hashBytes));
        var txHashes = ArrayPool<byte>.Shared.Rent(Math.Max(1, count * hashBytes));
        var outcomes = ArrayPool<SignatureOutcome>.Shared.Rent(Math.Max(1, count));
        var keysUsed = ArrayPool<ConsortiumKey?>.Shared.Rent(Math.Max(1, count));
        try
        {
            var offsets = new int[end - start + 1];
            for (var b = start; b < end; b++)
            {
                offsets[b - start + 1] = offsets[b - start] + blocks[b].Transactions.Count;
            }

            var consortium = Consortium;
            var blockCount = end - start;
            if (count > 0)
            {
                VerifyAll(blocks, start, blockCount, offsets, count, consortium, leaves, txHashes, outcomes, keysUsed);
            }

            for (var b = start; b < end; b++)
            {
                if (!Fold(blocks[b], attestations?[b], offsets[b - start], leaves, txHashes, outcomes, keysUsed))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(leaves);
            ArrayPool<byte>.Shared.Return(txHashes);
            ArrayPool<SignatureOutcome>.Shared.Return(outcomes);
            ArrayPool<ConsortiumKey?>.Shared.Return(keysUsed, clearArray: true);
        }
    }

    /// <summary>The parallel part of a pass: every transaction slot across the pass's blocks, in chunks.</summary>
    private void VerifyAll(IReadOnlyList<Block> blocks, int start, int blockCount, int[] offsets, int count, ConsortiumState consortium, byte[] leaves, byte[] txHashes, SignatureOutcome[] outcomes, ConsortiumKey?[] keysUsed)
    {
        var hashBytes = hash.HashSizeBytes;
        Parallel.ForEach(
            Partitioner.Create(0, count, SlotsPerChunk),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            () => new byte[1024],
            (range, _, scratch) =>
            {
                // Slots are numbered across the pass's blocks; find the block of the chunk's first one.
                var b = Array.BinarySearch(offsets, 0, blockCount, range.Item1);
                b = b >= 0 ? b : ~b - 1;
                for (var slot = range.Item1; slot < range.Item2; slot++)
                {
                    while (slot >= offsets[b + 1])
                    {
                        b++;
                    }

                    var block = blocks[start + b];
                    var i = slot - offsets[b];
                    var result = block.Results.Count == block.Transactions.Count ? block.Results[i] : null;
                    scratch = VerifyOne(block.Transactions[i], result, consortium, scratch, txHashes.AsSpan(slot * hashBytes, hashBytes), leaves.AsSpan(slot * hashBytes, hashBytes), out outcomes[slot], out keysUsed[slot]);
                }

                return scratch;
            },
            _ => { });
    }

    /// <summary>The parallel part for one transaction; returns the (possibly grown) scratch buffer.</summary>
    private byte[] VerifyOne(SignedTransaction transaction, TransactionResult? result, ConsortiumState consortium, byte[] scratch, Span<byte> txHash, Span<byte> leaf, out SignatureOutcome outcome, out ConsortiumKey? key)
    {
        key = null;
        var envelope = transaction.Envelope.Span;
        var signature = transaction.Signature.Span;
        var length = TransactionHashing.GetLeafLength(envelope, signature);
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, scratch.Length * 2)];
        }

        TransactionHashing.TryEncodeLeaf(envelope, signature, scratch, out var written);
        TransactionHashing.ComputeHash(hash, scratch.AsSpan(0, written), txHash);
        if (result is not null)
        {
            try
            {
                hasher.HashLeaf(LogLeaf.Encode(txHash, result, hash), leaf);
            }
            catch (ArgumentException)
            {
                outcome = SignatureOutcome.ResultMalformed;
                return scratch;
            }
        }

        if (!EnvelopeFields.TryRead(envelope, out _, out var keyId))
        {
            outcome = SignatureOutcome.EnvelopeMalformed;
            return scratch;
        }

        key = consortium.FindKey(keyId);
        if (key is null)
        {
            // Possibly added by a governance change earlier in this pass: settled in order.
            outcome = SignatureOutcome.KeyNotYetKnown;
            return scratch;
        }

        outcome = TransactionSigning.Verify(key.PublicKey, envelope, signature, consortium.ChainId) ? SignatureOutcome.Valid : SignatureOutcome.Invalid;
        return scratch;
    }

    /// <summary>The ordered part for one block: link, signatures settled, governance replayed, trees folded, certification.</summary>
    private bool Fold(Block block, IReadOnlyList<Attestation>? attestations, int first, byte[] leaves, byte[] txHashes, SignatureOutcome[] outcomes, ConsortiumKey?[] keysUsed)
    {
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

        if (header.ChainId != Consortium.ChainId)
        {
            return Fail(header.Height, $"chain id '{header.ChainId}' is not '{Consortium.ChainId}'");
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

        var blockHash = BlockHash.Compute(header, hash);

        // The header is attested by the nodes in force before its own block's changes.
        if (attestations is { Count: > 0 } && !CheckAttestations(header, blockHash, attestations))
        {
            return false;
        }

        var hashBytes = hash.HashSizeBytes;
        var txTree = new CompactMerkleTree(hasher);
        var nextLog = log.Clone();
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var slot = first + i;
            var transaction = block.Transactions[i];
            var problem = Settle(transaction, block.Results[i], outcomes[slot], keysUsed[slot]);
            if (problem is not null)
            {
                return Fail(header.Height, $"transaction {i}: {problem}");
            }

            try
            {
                Consortium.Observe(header.Height, (uint)i, transaction, txHashes.AsSpan(slot * hashBytes, hashBytes).ToArray(), block.Results[i]);
            }
            catch (Exception exception) when (exception is GovernanceReplayException or Google.Protobuf.InvalidProtocolBufferException or LedgerCryptoException)
            {
                return Fail(header.Height, $"transaction {i}: governance change cannot be replayed: {exception.Message}");
            }

            var leaf = leaves.AsSpan(slot * hashBytes, hashBytes);
            txTree.AppendLeafHash(leaf);
            nextLog.AppendLeafHash(leaf);
        }

        var root = new byte[hashBytes];
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
        previousHash = blockHash;
        TransactionsVerified += (ulong)block.Transactions.Count;
        return true;
    }

    /// <summary>Final word on one signature, in chain order (keys added or retired earlier in the pass are known now).</summary>
    private string? Settle(SignedTransaction transaction, TransactionResult result, SignatureOutcome outcome, ConsortiumKey? key)
    {
        // Every node checks signatures and decoding at apply, so bytes that are not a validly signed
        // transaction can stand in a block, recorded as rejected (a leader put them into the log past
        // its door): that is the ledger refusing them, not a broken chain. What it accepted must verify.
        if (result.Code == ResultCode.Rejected && outcome is SignatureOutcome.EnvelopeMalformed or SignatureOutcome.Invalid or SignatureOutcome.KeyNotYetKnown)
        {
            return null;
        }

        switch (outcome)
        {
            case SignatureOutcome.EnvelopeMalformed:
                return "envelope does not parse";
            case SignatureOutcome.ResultMalformed:
                return "recorded result cannot be encoded as a log leaf (reason or reference too long, or unknown code)";
            case SignatureOutcome.Invalid:
                return $"signature does not verify with member '{key!.MemberId}''s key";
            case SignatureOutcome.KeyNotYetKnown:
                EnvelopeFields.TryRead(transaction.Envelope.Span, out _, out var keyId);
                key = Consortium.FindKey(keyId);
                if (key is null)
                {
                    return $"signer key {Convert.ToHexStringLower(keyId)} is not a consortium key (genesis or added by governance) at this height";
                }

                if (!TransactionSigning.Verify(key.PublicKey, transaction, Consortium.ChainId))
                {
                    return $"signature does not verify with member '{key.MemberId}''s key";
                }

                break;
            default:
                break;
        }

        // A retired key signs nothing from its retirement on; the ledger must have rejected it.
        return key!.RetiredAt is { } retired && result.Code == ResultCode.Ok
            ? $"accepted a transaction signed with member '{key.MemberId}''s key retired at height {retired}"
            : null;
    }

    private bool CheckAttestations(BlockHeader header, byte[] blockHash, IReadOnlyList<Attestation> attestations)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attestation in attestations)
        {
            var problem = CertifiedHeaderVerifier.CheckOne(attestation, header, blockHash, Consortium);
            if (problem is not null)
            {
                return Fail(header.Height, problem);
            }

            if (!seen.Add(attestation.NodeId))
            {
                return Fail(header.Height, $"two attestations by node '{attestation.NodeId}'");
            }
        }

        if (seen.Count >= Consortium.Quorum)
        {
            CertifiedBlocks++;
            LastCertifiedHeight = header.Height;
        }

        return true;
    }

    private bool Fail(ulong height, string reason)
    {
        Failure = new AuditFailure(height, reason);
        return false;
    }

    private enum SignatureOutcome : byte
    {
        Valid,
        Invalid,
        EnvelopeMalformed,
        ResultMalformed,
        KeyNotYetKnown,
    }
}

/// <summary>Where an audit stopped: resume with <see cref="ChainAuditor.FromCheckpoint"/>.</summary>
public sealed record AuditCheckpoint(ulong Height, string BlockHash, ulong LogSize, string LogRoot)
{
    /// <summary>Accepted governance transactions up to <see cref="Height"/>, to rebuild the consortium state.</summary>
    public IReadOnlyList<AuditCheckpointGovernance>? Governance { get; init; }
}

/// <summary>One governance transaction in a checkpoint (protobuf bytes, base64).</summary>
public sealed record AuditCheckpointGovernance(ulong Height, uint Position, string Transaction, string Result);

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
