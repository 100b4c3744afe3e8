using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Verification;

/// <summary>
/// Checks certified headers against the node set in force at their height: the trusted genesis
/// plus the node changes the chain records, replayed with <see cref="ConsortiumState"/> (the same
/// replay the auditor and the offline verifier use). The blocks before a header are read once per
/// client, in order, and must form the hash chain that the certified header extends, each block's
/// tx_root recomputed from its transactions and results: a node can neither hide a governance
/// change nor invent one. A block that changes the node set must itself be certified by the set
/// before it, so a forged "AddNode" cannot vouch for its own keys.
/// <para>
/// Cost: the first check in a client's lifetime reads the chain up to that height (like an audit,
/// without member signatures); later checks read only the blocks added since.
/// </para>
/// </summary>
internal sealed class NodeSetTracker
{
    private readonly ConsortiumGenesis genesis;
    private readonly IHashAlgorithm hash;
    private readonly MerkleHasher hasher;
    private readonly SemaphoreSlim gate = new(1, 1);

    // The node set after blocks 1..replayedHeight, which are known to be the chain's blocks (a
    // certified header at replayedHeight + 1 extends them).
    private ConsortiumState replayed;
    private ulong replayedHeight;
    private BlockHeader? replayedHeader;
    private byte[] replayedBlockHash;

    public NodeSetTracker(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        this.genesis = genesis;
        hash = CryptoSuites.Get(genesis.Suite).Hash;
        hasher = new MerkleHasher(hash);
        replayed = new ConsortiumState(genesis);
        replayedBlockHash = new byte[hash.HashSizeBytes];
    }

    /// <summary>Height of the last block whose governance changes are replayed.</summary>
    public ulong ReplayedHeight => replayedHeight;

    /// <summary>
    /// The certificate when <paramref name="certified"/> is certified by a quorum of the node set in
    /// force at its height; else null and why (not certified is an answer, not an error). Throws
    /// <see cref="ClientVerificationException"/> when the node's blocks contradict each other or the header.
    /// </summary>
    public async Task<(QuorumCertificate? Certificate, string? Failure)> VerifyAsync(CertifiedHeader certified, IChainSource source, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(source);
        var header = certified.Header;
        if (header is null || header.Height == 0)
        {
            return (null, "the certified header has no block header (or is of height 0)");
        }

        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var height = header.Height;
            if (height - 1 < replayedHeight)
            {
                // An older block: the chain before it is already known, only the node set is rebuilt.
                return Verify(certified, Rebuild(replayed.History, height));
            }

            var (state, previousHeader, previousHash) = height - 1 == replayedHeight
                ? (replayed, replayedHeader, replayedBlockHash)
                : await ReplayAsync(height - 1, source, cancellation).ConfigureAwait(false);
            var link = CheckExtends(previousHeader, previousHash, header);
            if (link is not null)
            {
                return (null, link);
            }

            var result = Verify(certified, state);
            if (result.Certificate is not null)
            {
                // Only now are the replayed blocks known to be the chain's: keep them.
                replayed = state;
                replayedHeight = height - 1;
                replayedHeader = previousHeader;
                replayedBlockHash = previousHash;
            }

            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private static (QuorumCertificate? Certificate, string? Failure) Verify(CertifiedHeader certified, ConsortiumState nodeSet)
    {
        var certificate = QuorumCertificate.TryVerify(certified, nodeSet, out var failure);
        return (certificate, failure);
    }

    /// <summary>Reads blocks replayedHeight+1 .. <paramref name="lastHeight"/> into a copy of the replayed state.</summary>
    private async Task<(ConsortiumState State, BlockHeader? Header, byte[] Hash)> ReplayAsync(ulong lastHeight, IChainSource source, CancellationToken cancellation)
    {
        var state = Rebuild(replayed.History, ulong.MaxValue);
        var previousHeader = replayedHeader;
        var previousHash = replayedBlockHash;
        await foreach (var block in source.GetBlocksAsync(replayedHeight + 1, lastHeight, cancellation).ConfigureAwait(false))
        {
            var header = block.Header;
            var expected = (previousHeader?.Height ?? 0) + 1;
            if (header is null || header.Height != expected)
            {
                throw new ClientVerificationException($"asked for block {expected}, the node sent block {header?.Height}");
            }

            var problem = CheckExtends(previousHeader, previousHash, header) ?? CheckTransactions(block);
            if (problem is not null)
            {
                throw new ClientVerificationException($"block {header.Height} from the node is not part of a valid chain: {problem}");
            }

            Replay(state, block);
            if (state.NodeSetChangedAtHeight == header.Height)
            {
                await RequireCertifiedChangeAsync(block, state, source, cancellation).ConfigureAwait(false);
            }

            previousHeader = header;
            previousHash = BlockHash.Compute(header, hash);
        }

        if ((previousHeader?.Height ?? 0) != lastHeight)
        {
            throw new ClientVerificationException($"the node served blocks up to {previousHeader?.Height ?? 0}, not up to {lastHeight}");
        }

        return (state, previousHeader, previousHash);
    }

    /// <summary>A block that changed the node set must be certified by the set before it (not by the keys it adds).</summary>
    private async Task RequireCertifiedChangeAsync(Block block, ConsortiumState after, IChainSource source, CancellationToken cancellation)
    {
        var height = block.Header.Height;
        var served = await source.TryGetCertifiedHeaderAsync(height, cancellation).ConfigureAwait(false)
            ?? throw new ClientVerificationException($"block {height} changes the node set and the node serves no certificate for it");
        if (served.Header is null || !BlockHash.Compute(served.Header, hash).AsSpan().SequenceEqual(BlockHash.Compute(block.Header, hash)))
        {
            throw new ClientVerificationException($"the certificate served for block {height} (which changes the node set) is for another header than the block");
        }

        var failure = CertifiedHeaderVerifier.Check(served, Rebuild(after.History, height));
        if (failure is not null)
        {
            throw new ClientVerificationException($"block {height} changes the node set but is not certified by the node set before it: {failure}");
        }
    }

    private void Replay(ConsortiumState state, Block block)
    {
        var height = block.Header.Height;
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var transaction = block.Transactions[i];
            EnvelopeFields.TryRead(transaction.Envelope.Span, out var type, out _);
            if (type is not (TransactionType.ProposeChange or TransactionType.Vote))
            {
                continue;
            }

            try
            {
                state.Observe(height, (uint)i, transaction, TransactionHashing.ComputeHash(hash, transaction), block.Results[i]);
            }
            catch (Exception exception) when (exception is GovernanceReplayException or InvalidProtocolBufferException or LedgerCryptoException)
            {
                throw new ClientVerificationException($"block {height} transaction {i}: governance change cannot be replayed: {exception.Message}", exception);
            }
        }
    }

    /// <summary>Null when <paramref name="next"/> directly extends the block <paramref name="previous"/> (null = before block 1) whose hash is <paramref name="previousHash"/>.</summary>
    private string? CheckExtends(BlockHeader? previous, byte[] previousHash, BlockHeader next)
    {
        var shape = BlockHeaderValidation.CheckShape(next, hash);
        if (shape != BlockValidationError.None)
        {
            return $"header malformed: {shape}";
        }

        if (!string.Equals(next.ChainId, genesis.ChainId, StringComparison.Ordinal))
        {
            return $"header is of chain '{next.ChainId}', the genesis chain is '{genesis.ChainId}'";
        }

        if (previous is null)
        {
            return next.Height == 1 && next.PrevBlockHash.Span.SequenceEqual(previousHash) ? null : $"block {next.Height} does not start the chain";
        }

        var link = BlockHeaderValidation.CheckLink(previous, previousHash, next);
        return link == BlockValidationError.None ? null : $"block {next.Height} does not extend block {previous.Height}: {link}";
    }

    private string? CheckTransactions(Block block)
    {
        var header = block.Header;
        if (block.Transactions.Count != block.Results.Count || (uint)block.Transactions.Count != header.TxCount)
        {
            return $"{block.Transactions.Count} transactions, {block.Results.Count} results, the header says {header.TxCount}";
        }

        var tree = new CompactMerkleTree(hasher);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            tree.AppendLeafHash(LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(hash, block.Transactions[i]), block.Results[i], hash));
        }

        var root = new byte[hash.HashSizeBytes];
        tree.ComputeRoot(root);
        return header.TxRoot.Span.SequenceEqual(root) ? null : "tx_root is not the root of the block's transactions and results";
    }

    /// <summary>The node set before block <paramref name="belowHeight"/>: the genesis plus the recorded changes below it, replayed again.</summary>
    private ConsortiumState Rebuild(IReadOnlyList<GovernanceTransaction> history, ulong belowHeight)
    {
        var state = new ConsortiumState(genesis);
        foreach (var entry in history)
        {
            if (entry.Height >= belowHeight)
            {
                break;
            }

            state.Observe(entry.Height, entry.Position, entry.Transaction, entry.TransactionHash, entry.Result);
        }

        return state;
    }
}
