using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Receipts;

/// <summary>
/// The node set that must certify a receipt's block: the genesis nodes, then the AddNode and
/// RemoveNode changes executed in earlier blocks, replayed with <see cref="ConsortiumState"/> from
/// the governance transactions an evidence bundle carries (<see cref="EvidenceBundle.GovernanceChanges"/>).
/// Each change must be proven into the log of the receipt's block (its proof is against that
/// block's log_size and log_root), in log order; changes of the block itself cannot change who
/// certified it and are not replayed.
/// <para>
/// Those proofs alone would be circular: the receipt's block is trusted because the replayed set
/// certified it, and the replayed changes because they are in its log, so a fabricated log could
/// "execute" changes that hand the chain to its author's nodes. So every block that changed the
/// node set needs a <see cref="NodeSetAnchor"/>: that block certified by the set in force before
/// it, whose log is a prefix of the receipt's block's log (consistency proof) and holds the
/// block's changes. By induction from the genesis, each set is vouched for by the one before it.
/// </para>
/// </summary>
public static class ReceiptNodeSet
{
    /// <summary>Returns the state before <paramref name="header"/>'s block; throws <see cref="CoseReceiptException"/> when a change or an anchor is not proven, or a node-set change has no anchor.</summary>
    public static ConsortiumState Before(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header, IReadOnlyList<NodeSetAnchor> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return Replay(genesis, changes, header, anchors, null);
    }

    /// <summary>
    /// The node set the changes claim, NOT vouched for, and the heights of the earlier blocks that
    /// changed it (each needs a <see cref="NodeSetAnchor"/>): only to know what to fetch, and to
    /// refuse early what cannot verify.
    /// </summary>
    public static NodeSetPreview Preview(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header)
    {
        var heights = new List<ulong>();
        var state = Replay(genesis, changes, header, null, heights);
        return new NodeSetPreview(state, heights);
    }

    private static ConsortiumState Replay(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header, IReadOnlyList<NodeSetAnchor>? anchors, List<ulong>? changedHeights)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(header);
        var state = new ConsortiumState(genesis);
        if (changes.Count > EvidenceBundleJson.GovernanceChangesMax)
        {
            throw new CoseReceiptException($"more than {EvidenceBundleJson.GovernanceChangesMax} governance changes");
        }

        var anchorsByHeight = IndexAnchors(anchors ?? [], header);
        if (changes.Count == 0 && anchorsByHeight.Count == 0)
        {
            return state;
        }

        if (!LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf))
        {
            throw new CoseReceiptException($"block {header.Height} has no transactions (tx_count {header.TxCount}, log size {header.LogSize})");
        }

        var chainHash = state.Suite.Hash;
        var merkle = new MerkleHasher(chainHash);
        ulong? previousLeaf = null;
        ulong? currentHeight = null;
        NodeSetAnchor? currentAnchor = null;
        var usedAnchors = 0;
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var proof = change.LogInclusion;
            if (proof.TreeSize != header.LogSize)
            {
                throw new CoseReceiptException($"governance change {i}: proof is against log size {proof.TreeSize}, the receipt's block has {header.LogSize}");
            }

            if (previousLeaf is { } before && proof.LeafIndex <= before)
            {
                throw new CoseReceiptException($"governance change {i}: log leaf {proof.LeafIndex} is not after the previous change's leaf {before}");
            }

            previousLeaf = proof.LeafIndex;
            var txHash = TransactionHashing.ComputeHash(chainHash, change.Transaction);
            var leaf = LogLeaf.MerkleLeafHash(txHash, change.Result, chainHash);
            var result = MerkleProofVerifier.CheckInclusion(merkle, proof.LeafIndex, proof.TreeSize, leaf, [.. proof.Path.Select(p => p.ToByteArray())], header.LogRoot.Span);
            if (result != MerkleProofResult.Valid)
            {
                throw new CoseReceiptException($"governance change {i} (block {change.BlockHeight}): inclusion proof: {result}");
            }

            if (proof.LeafIndex >= blockFirstLeaf)
            {
                // In the receipt's block itself: it did not decide who certifies that block.
                continue;
            }

            if (change.BlockHeight >= header.Height)
            {
                throw new CoseReceiptException($"governance change {i} says block {change.BlockHeight}, but its log leaf {proof.LeafIndex} is before block {header.Height}");
            }

            if (currentHeight != change.BlockHeight)
            {
                RequireAnchorIfChanged(state, currentHeight, currentAnchor, anchors is not null, changedHeights);
                currentHeight = change.BlockHeight;
                currentAnchor = anchorsByHeight.GetValueOrDefault(change.BlockHeight);
                if (currentAnchor is not null)
                {
                    // Checked against the set before this block's changes: the set that certified it.
                    CheckAnchor(currentAnchor, state, header, merkle);
                    usedAnchors++;
                }
            }

            if (currentAnchor is not null && !InBlock(proof.LeafIndex, currentAnchor.Header))
            {
                throw new CoseReceiptException($"governance change {i}: log leaf {proof.LeafIndex} is not one of block {change.BlockHeight}'s leaves");
            }

            try
            {
                state.Observe(change.BlockHeight, change.Position, change.Transaction, txHash, change.Result);
            }
            catch (Exception exception) when (exception is GovernanceReplayException or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw new CoseReceiptException($"governance change {i}: {exception.Message}", exception);
            }
        }

        RequireAnchorIfChanged(state, currentHeight, currentAnchor, anchors is not null, changedHeights);
        if (usedAnchors != anchorsByHeight.Count)
        {
            throw new CoseReceiptException($"{anchorsByHeight.Count - usedAnchors} node-set anchors are for blocks with no governance change given");
        }

        return state;
    }

    private static Dictionary<ulong, NodeSetAnchor> IndexAnchors(IReadOnlyList<NodeSetAnchor> anchors, BlockHeader header)
    {
        var byHeight = new Dictionary<ulong, NodeSetAnchor>();
        foreach (var anchor in anchors)
        {
            if (anchor.Header.Height == 0 || anchor.Header.Height >= header.Height)
            {
                throw new CoseReceiptException($"node-set anchor for height {anchor.Header.Height} is not an earlier block than {header.Height}");
            }

            if (!byHeight.TryAdd(anchor.Header.Height, anchor))
            {
                throw new CoseReceiptException($"two node-set anchors for height {anchor.Header.Height}");
            }
        }

        return byHeight;
    }

    private static void RequireAnchorIfChanged(ConsortiumState state, ulong? height, NodeSetAnchor? anchor, bool required, List<ulong>? changedHeights)
    {
        if (height is not { } changedAt || state.NodeSetChangedAtHeight != changedAt)
        {
            return;
        }

        changedHeights?.Add(changedAt);
        if (required && anchor is null)
        {
            throw new CoseReceiptException($"the node set changed in block {changedAt}, but the receipt carries no anchor for it (that block certified by the nodes before it)");
        }
    }

    private static void CheckAnchor(NodeSetAnchor anchor, ConsortiumState nodeSetBefore, BlockHeader receiptHeader, MerkleHasher merkle)
    {
        var header = anchor.Header;
        if (!string.Equals(header.ChainId, nodeSetBefore.ChainId, StringComparison.Ordinal))
        {
            throw new CoseReceiptException($"node-set anchor {header.Height} is for chain '{header.ChainId}', not '{nodeSetBefore.ChainId}'");
        }

        var shape = BlockHeaderValidation.CheckShape(header, nodeSetBefore.Suite.Hash);
        if (shape != BlockValidationError.None)
        {
            throw new CoseReceiptException($"node-set anchor {header.Height}: header is malformed: {shape}");
        }

        var blockHash = BlockHash.Compute(header, nodeSetBefore.Suite.Hash);
        var certified = CoseReceiptClaims.ToCertifiedHeader(header, anchor.Attestations, blockHash, nodeSetBefore.Suite.Name);
        var failure = CertifiedHeaderVerifier.Check(certified, nodeSetBefore);
        if (failure is not null)
        {
            throw new CoseReceiptException($"node-set anchor {header.Height} is not certified by the nodes before it: {failure}");
        }

        var consistency = MerkleProofVerifier.CheckConsistency(merkle, header.LogSize, receiptHeader.LogSize, anchor.ConsistencyPath, header.LogRoot.Span, receiptHeader.LogRoot.Span);
        if (consistency != MerkleProofResult.Valid)
        {
            throw new CoseReceiptException($"node-set anchor {header.Height}: its log is not a prefix of block {receiptHeader.Height}'s log: {consistency}");
        }
    }

    private static bool InBlock(ulong leafIndex, BlockHeader header) =>
        LogLeafIndex.TryGet(header, 0, out var first) && leafIndex >= first && leafIndex < header.LogSize;
}

/// <summary>What <see cref="ReceiptNodeSet.Preview"/> found: the claimed node set (not vouched for) and the heights needing anchors.</summary>
public sealed record NodeSetPreview(ConsortiumState UnvouchedState, IReadOnlyList<ulong> HeightsNeedingAnchors);
