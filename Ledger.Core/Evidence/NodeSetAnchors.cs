using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence;

/// <summary>
/// The node set that must certify a block, vouched for from the genesis: the genesis nodes, then
/// the AddNode and RemoveNode changes executed in earlier blocks, replayed with
/// <see cref="ConsortiumState"/> from governance transactions proven into that block's log (each
/// proof against its log_size and log_root), in log order. Changes of the block itself cannot
/// change who certified it and are not replayed. One rule for evidence bundles
/// (<see cref="EvidenceVerifier"/>) and COSE receipts (Receipts.ReceiptNodeSet).
/// <para>
/// Those proofs alone would be circular: the block is trusted because the replayed set certified
/// it, and the replayed changes because they are in its log, so a made-up log could "execute"
/// changes that hand the chain to its author's nodes. So every earlier block that changed the node
/// set needs a <see cref="NodeSetAnchorEvidence"/>: that block certified by the set in force before it,
/// whose log is a prefix of the block's log (consistency proof) and holds the block's changes
/// (their leaves lie among its own). By induction from the genesis, each set is vouched for by the
/// one before it.
/// </para>
/// </summary>
public static class NodeSetAnchors
{
    /// <summary>Node-set changes one piece of evidence can vouch for (a COSE receipt must stay small; about 1 KiB per anchor with 7 nodes).</summary>
    public const int AnchorsMax = 32;

    /// <summary>Returns the state before <paramref name="header"/>'s block; throws <see cref="NodeSetAnchorException"/> when a change or an anchor is not proven, or a node-set change has no anchor.</summary>
    public static ConsortiumState Before(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header, IReadOnlyList<NodeSetAnchorEvidence> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return Replay(genesis, changes, header, anchors, null);
    }

    /// <summary>
    /// The node set the changes claim, NOT vouched for, and the heights of the earlier blocks that
    /// changed it (each needs a <see cref="NodeSetAnchorEvidence"/>): only to know what to fetch, and to
    /// refuse early what cannot verify.
    /// </summary>
    public static NodeSetPreview Preview(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header)
    {
        var heights = new List<ulong>();
        var state = Replay(genesis, changes, header, null, heights);
        return new NodeSetPreview(state, heights);
    }

    private static ConsortiumState Replay(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header, IReadOnlyList<NodeSetAnchorEvidence>? anchors, List<ulong>? changedHeights)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(header);
        var state = new ConsortiumState(genesis);
        if (changes.Count > EvidenceBundleJson.GovernanceChangesMax)
        {
            throw new NodeSetAnchorException($"more than {EvidenceBundleJson.GovernanceChangesMax} governance changes");
        }

        var anchorsByHeight = IndexAnchors(anchors ?? [], header);
        if (changes.Count == 0 && anchorsByHeight.Count == 0)
        {
            return state;
        }

        if (!LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf))
        {
            throw new NodeSetAnchorException($"block {header.Height} has no transactions (tx_count {header.TxCount}, log size {header.LogSize})");
        }

        var chainHash = state.Suite.Hash;
        var merkle = new MerkleHasher(chainHash);
        ulong? previousLeaf = null;
        ulong? currentHeight = null;
        NodeSetAnchorEvidence? currentAnchor = null;
        var usedAnchors = 0;
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var proof = change.LogInclusion;
            if (proof.TreeSize != header.LogSize)
            {
                throw new NodeSetAnchorException($"governance change {i}: proof is against log size {proof.TreeSize}, block {header.Height} has {header.LogSize}");
            }

            if (previousLeaf is { } before && proof.LeafIndex <= before)
            {
                throw new NodeSetAnchorException($"governance change {i}: log leaf {proof.LeafIndex} is not after the previous change's leaf {before}");
            }

            previousLeaf = proof.LeafIndex;
            var txHash = TransactionHashing.ComputeHash(chainHash, change.Transaction);
            var leaf = LogLeaf.MerkleLeafHash(txHash, change.Result, chainHash);
            var result = MerkleProofVerifier.CheckInclusion(merkle, proof.LeafIndex, proof.TreeSize, leaf, [.. proof.Path.Select(p => p.ToByteArray())], header.LogRoot.Span);
            if (result != MerkleProofResult.Valid)
            {
                throw new NodeSetAnchorException($"governance change {i} (block {change.BlockHeight}): inclusion proof: {result}");
            }

            if (proof.LeafIndex >= blockFirstLeaf)
            {
                // In the block itself: it did not decide who certifies that block.
                continue;
            }

            if (change.BlockHeight >= header.Height)
            {
                throw new NodeSetAnchorException($"governance change {i} says block {change.BlockHeight}, but its log leaf {proof.LeafIndex} is before block {header.Height}");
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

            if (currentAnchor is not null && !InBlock(proof.LeafIndex, currentAnchor.Certified.Header))
            {
                throw new NodeSetAnchorException($"governance change {i}: log leaf {proof.LeafIndex} is not one of block {change.BlockHeight}'s leaves");
            }

            try
            {
                state.Observe(change.BlockHeight, change.Position, change.Transaction, txHash, change.Result);
            }
            catch (Exception exception) when (exception is GovernanceReplayException or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw new NodeSetAnchorException($"governance change {i}: {exception.Message}", exception);
            }
        }

        RequireAnchorIfChanged(state, currentHeight, currentAnchor, anchors is not null, changedHeights);
        if (usedAnchors != anchorsByHeight.Count)
        {
            throw new NodeSetAnchorException($"{anchorsByHeight.Count - usedAnchors} node-set anchors are for blocks with no governance change given");
        }

        return state;
    }

    private static Dictionary<ulong, NodeSetAnchorEvidence> IndexAnchors(IReadOnlyList<NodeSetAnchorEvidence> anchors, BlockHeader header)
    {
        if (anchors.Count > AnchorsMax)
        {
            throw new NodeSetAnchorException($"more than {AnchorsMax} node-set anchors");
        }

        var byHeight = new Dictionary<ulong, NodeSetAnchorEvidence>();
        foreach (var anchor in anchors)
        {
            var height = anchor.Certified.Header?.Height ?? 0;
            if (height == 0 || height >= header.Height)
            {
                throw new NodeSetAnchorException($"node-set anchor for height {height} is not an earlier block than {header.Height}");
            }

            if (!byHeight.TryAdd(height, anchor))
            {
                throw new NodeSetAnchorException($"two node-set anchors for height {height}");
            }
        }

        return byHeight;
    }

    private static void RequireAnchorIfChanged(ConsortiumState state, ulong? height, NodeSetAnchorEvidence? anchor, bool required, List<ulong>? changedHeights)
    {
        if (height is not { } changedAt || state.NodeSetChangedAtHeight != changedAt)
        {
            return;
        }

        changedHeights?.Add(changedAt);
        if (required && anchor is null)
        {
            throw new NodeSetAnchorException($"the node set changed in block {changedAt}, but no node-set anchor is given for it (that block certified by the nodes before it): the change is not vouched for");
        }
    }

    private static void CheckAnchor(NodeSetAnchorEvidence anchor, ConsortiumState nodeSetBefore, BlockHeader blockHeader, MerkleHasher merkle)
    {
        var header = anchor.Certified.Header;
        if (!string.Equals(header.ChainId, nodeSetBefore.ChainId, StringComparison.Ordinal))
        {
            throw new NodeSetAnchorException($"node-set anchor {header.Height} is for chain '{header.ChainId}', not '{nodeSetBefore.ChainId}'");
        }

        var shape = BlockHeaderValidation.CheckShape(header, nodeSetBefore.Suite.Hash);
        if (shape != BlockValidationError.None)
        {
            throw new NodeSetAnchorException($"node-set anchor {header.Height}: header is malformed: {shape}");
        }

        var failure = CertifiedHeaderVerifier.Check(anchor.Certified, nodeSetBefore);
        if (failure is not null)
        {
            throw new NodeSetAnchorException($"node-set anchor {header.Height} is not certified by the nodes before it: {failure}");
        }

        var consistency = MerkleProofVerifier.CheckConsistency(merkle, header.LogSize, blockHeader.LogSize, anchor.ConsistencyPath, header.LogRoot.Span, blockHeader.LogRoot.Span);
        if (consistency != MerkleProofResult.Valid)
        {
            throw new NodeSetAnchorException($"node-set anchor {header.Height}: its log is not a prefix of block {blockHeader.Height}'s log: {consistency}");
        }
    }

    private static bool InBlock(ulong leafIndex, BlockHeader header) =>
        LogLeafIndex.TryGet(header, 0, out var first) && leafIndex >= first && leafIndex < header.LogSize;
}

/// <summary>
/// An earlier block that changed the node set, certified by the node set before it, and the RFC 9162
/// consistency proof from its log to the log of the block the evidence is about: the changes it
/// executed are then vouched for by the nodes in force when they were made, not by the set they produced.
/// </summary>
public sealed record NodeSetAnchorEvidence(CertifiedHeader Certified, IReadOnlyList<byte[]> ConsistencyPath);

/// <summary>What <see cref="NodeSetAnchors.Preview"/> found: the claimed node set (not vouched for) and the heights needing anchors.</summary>
public sealed record NodeSetPreview(ConsortiumState UnvouchedState, IReadOnlyList<ulong> HeightsNeedingAnchors);
