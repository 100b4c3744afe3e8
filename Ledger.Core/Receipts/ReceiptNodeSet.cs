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
/// block's log_size and log_root), in log order; changes of the block itself or later cannot
/// change who certified it and are not replayed.
/// </summary>
public static class ReceiptNodeSet
{
    /// <summary>Returns the state before <paramref name="header"/>'s block; throws <see cref="CoseReceiptException"/> when a change is not proven.</summary>
    public static ConsortiumState Before(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(header);
        var state = new ConsortiumState(genesis);
        if (changes.Count == 0)
        {
            return state;
        }

        if (changes.Count > EvidenceBundleJson.GovernanceChangesMax)
        {
            throw new CoseReceiptException($"more than {EvidenceBundleJson.GovernanceChangesMax} governance changes");
        }

        if (!LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf))
        {
            throw new CoseReceiptException($"block {header.Height} has no transactions (tx_count {header.TxCount}, log size {header.LogSize})");
        }

        var chainHash = state.Suite.Hash;
        var merkle = new MerkleHasher(chainHash);
        ulong? previousLeaf = null;
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

            try
            {
                state.Observe(change.BlockHeight, change.Position, change.Transaction, txHash, change.Result);
            }
            catch (Exception exception) when (exception is GovernanceReplayException or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw new CoseReceiptException($"governance change {i}: {exception.Message}", exception);
            }
        }

        return state;
    }
}
