using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// The checks a transaction's evidence and a prior registration's evidence share: each returns
/// null when it holds, else why not (one sentence). Hostile input never throws out of
/// <see cref="EvidenceVerifier"/>, which reports any exception here as a failed check.
/// </summary>
internal static class RegistrationChecks
{
    /// <summary>Header shape, the genesis chain id, height at least 1.</summary>
    public static string? Header(CertifiedHeader certified, ConsortiumGenesis genesis, IHashAlgorithm chainHash)
    {
        if (certified.Header is null)
        {
            return "certified header has no header";
        }

        var error = BlockHeaderValidation.CheckShape(certified.Header, chainHash);
        if (error != BlockValidationError.None)
        {
            return $"header is malformed: {error}";
        }

        if (certified.Header.ChainId != genesis.ChainId)
        {
            return $"header chain id '{certified.Header.ChainId}' is not the genesis chain '{genesis.ChainId}'";
        }

        return certified.Header.Height == 0 ? "height 0 is not a block (blocks start at 1)" : null;
    }

    /// <summary>The bundle's block height and position agree with the header and the proof's leaf index and tree size.</summary>
    public static string? Position(ulong blockHeight, uint position, InclusionProof proof, BlockHeader header, out ulong leafIndex)
    {
        leafIndex = 0;
        if (blockHeight != header.Height)
        {
            return $"bundle says block {blockHeight}, the certified header is block {header.Height}";
        }

        if (!LogLeafIndex.TryGet(header, position, out leafIndex))
        {
            return $"position {position} is not a transaction of block {header.Height} ({header.TxCount} transactions, log size {header.LogSize})";
        }

        if (proof.LeafIndex != leafIndex)
        {
            return $"proof is for log leaf {proof.LeafIndex}; block {header.Height} position {position} is leaf {leafIndex}";
        }

        return proof.TreeSize == header.LogSize
            ? null
            : $"proof is against log size {proof.TreeSize}, the header's log size is {header.LogSize}";
    }

    /// <summary>The log leaf (transaction hash and recorded result) proves to the header's log root.</summary>
    public static string? Inclusion(ReadOnlySpan<byte> txHash, TransactionResult result, InclusionProof proof, BlockHeader header, IHashAlgorithm chainHash)
    {
        var leafHash = LogLeaf.MerkleLeafHash(txHash, result, chainHash);
        var verdict = MerkleProofVerifier.CheckInclusion(
            new MerkleHasher(chainHash), proof.LeafIndex, proof.TreeSize, leafHash, Path(proof), header.LogRoot.Span);
        return verdict == MerkleProofResult.Valid ? null : $"inclusion proof: {verdict}";
    }

    /// <summary>The item's canonical bytes prove to the signed body's merkle_root over item_count leaves.</summary>
    public static string? BatchItem(BatchRegister body, BatchItemEvidence evidence, IHashAlgorithm chainHash)
    {
        var itemCount = ItemCount(body);
        var proof = evidence.ItemProof;
        if (proof.TreeSize != itemCount)
        {
            return $"item proof is for a batch of {proof.TreeSize}, the transaction signs {itemCount} items";
        }

        var merkle = new MerkleHasher(chainHash);
        var verdict = MerkleProofVerifier.CheckInclusion(
            merkle, proof.LeafIndex, proof.TreeSize, merkle.HashLeaf(BatchItemLeaf.Encode(evidence.Item)), Path(proof), body.MerkleRoot.Span);
        return verdict == MerkleProofResult.Valid ? null : $"item proof to the batch's merkle_root: {verdict}";
    }

    /// <summary>
    /// The item's committed outcome: for an accepted batch, the outcome leaf proves to the result's
    /// item_outcomes_root at the item's index; for a rejected batch there is none (no item was registered).
    /// </summary>
    public static string? ItemOutcome(TransactionResult result, BatchRegister body, BatchItemEvidence evidence, IHashAlgorithm chainHash, out LedgerDecision decision, out string? reason)
    {
        decision = LedgerDecision.Rejected;
        reason = null;
        if (result.Code == ResultCode.Rejected)
        {
            if (evidence.Outcome is not null || evidence.OutcomeProof is not null)
            {
                return "the batch was rejected as a whole, yet the bundle names an item outcome";
            }

            reason = result.Reason;
            return null;
        }

        if (result.Code != ResultCode.Ok)
        {
            return $"unknown result code {(int)result.Code}";
        }

        if (evidence.Outcome is not { } outcome || evidence.OutcomeProof is not { } proof)
        {
            return "the bundle does not prove the item's outcome (a format 1 bundle, or one without the outcome): it cannot show the ledger accepted the item";
        }

        if (result.ItemOutcomesRoot.IsEmpty)
        {
            return "the batch's recorded result commits to no item outcomes (a batch from before item outcomes were committed): whether the ledger accepted the item cannot be proven";
        }

        var index = evidence.ItemProof.LeafIndex;
        if (outcome.ItemIndex != index || proof.LeafIndex != index)
        {
            return $"the outcome is for item {outcome.ItemIndex} (proof leaf {proof.LeafIndex}), the bundle's item is {index}";
        }

        if (proof.TreeSize != ItemCount(body))
        {
            return $"outcome proof is for a batch of {proof.TreeSize}, the transaction signs {ItemCount(body)} items";
        }

        var verdict = MerkleProofVerifier.CheckInclusion(
            new MerkleHasher(chainHash), proof.LeafIndex, proof.TreeSize, BatchItemOutcomeLeaf.MerkleLeafHash(outcome, chainHash), Path(proof), result.ItemOutcomesRoot.Span);
        if (verdict != MerkleProofResult.Valid)
        {
            return $"outcome proof to the batch's item_outcomes_root: {verdict}";
        }

        switch (outcome.Code)
        {
            case ResultCode.Ok:
                decision = LedgerDecision.Accepted;
                return null;
            case ResultCode.Rejected:
                reason = outcome.Reason;
                return null;
            default:
                return $"unknown item outcome code {(int)outcome.Code}";
        }
    }

    /// <summary>The number of items the body signs (format 1 chains carried the items inline instead).</summary>
    public static ulong ItemCount(BatchRegister body) => body.ItemCount != 0 ? body.ItemCount : (ulong)body.Items.Count;

    private static byte[][] Path(InclusionProof proof) => [.. proof.Path.Select(p => p.ToByteArray())];
}
