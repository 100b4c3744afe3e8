using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>
/// Client-side check of a receipt: the transaction's log leaf proves to the log root in the
/// receipt's own header. That header is the serving node's word: a receipt counts as verified only
/// once that very header is certified by a quorum (see <see cref="ReceiptCertifier"/>).
/// </summary>
public static class ReceiptVerifier
{
    /// <summary>Throws <see cref="ClientVerificationException"/> unless the receipt proves <paramref name="expectedTxHash"/> into its header (of chain <paramref name="expectedChainId"/> when given).</summary>
    public static void Verify(Receipt receipt, ReadOnlySpan<byte> expectedTxHash, IHashAlgorithm chainHash, string? expectedChainId = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(chainHash);
        if (!expectedTxHash.IsEmpty && !receipt.TxHash.Span.SequenceEqual(expectedTxHash))
        {
            throw new ClientVerificationException($"receipt is for transaction {Convert.ToHexStringLower(receipt.TxHash.Span)}, expected {Convert.ToHexStringLower(expectedTxHash)}");
        }

        var header = receipt.Header ?? throw new ClientVerificationException("receipt has no header");
        var shape = BlockHeaderValidation.CheckShape(header, chainHash);
        if (shape != BlockValidationError.None)
        {
            throw new ClientVerificationException($"receipt header is malformed: {shape}");
        }

        if (expectedChainId is not null && !string.Equals(header.ChainId, expectedChainId, StringComparison.Ordinal))
        {
            throw new ClientVerificationException($"receipt header is of chain '{header.ChainId}', the trusted genesis is of chain '{expectedChainId}'");
        }

        if (header.Height != receipt.BlockHeight)
        {
            throw new ClientVerificationException($"receipt says block {receipt.BlockHeight}, its header is block {header.Height}");
        }

        var proof = receipt.LogInclusion ?? throw new ClientVerificationException("receipt has no inclusion proof");
        if (proof.TreeSize != header.LogSize)
        {
            throw new ClientVerificationException($"inclusion proof is against log size {proof.TreeSize}, the header's is {header.LogSize}");
        }

        if (!LogLeafIndex.TryGet(header, receipt.Position, out var leafIndex) || proof.LeafIndex != leafIndex)
        {
            throw new ClientVerificationException($"receipt position {receipt.Position} does not match proof leaf {proof.LeafIndex} in block {header.Height}");
        }

        var leafHash = LogLeaf.MerkleLeafHash(receipt.TxHash.Span, receipt.Result ?? new TransactionResult(), chainHash);
        var result = MerkleProofVerifier.CheckInclusion(
            new MerkleHasher(chainHash), proof.LeafIndex, proof.TreeSize, leafHash, [.. proof.Path.Select(p => p.ToByteArray())], header.LogRoot.Span);
        if (result != MerkleProofResult.Valid)
        {
            throw new ClientVerificationException($"receipt inclusion proof does not verify: {result}");
        }
    }
}
