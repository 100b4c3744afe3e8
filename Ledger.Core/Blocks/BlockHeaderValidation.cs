using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Blocks;

/// <summary>
/// Structural checks of block headers, usable before writing a block and again after reading it. The
/// Check methods return the first rule broken (<see cref="BlockValidationError.None"/> if none), for
/// audit loops; the Validate methods throw <see cref="BlockValidationException"/> naming the rule.
/// </summary>
/// <remarks>
/// Height 0 is the genesis block: it has an empty prev_block_hash and its log_size equals its
/// tx_count. Signatures, roots over the actual transactions and attestations are checked elsewhere.
/// </remarks>
public static class BlockHeaderValidation
{
    public static BlockValidationError CheckShape(BlockHeader header, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(hash);
        var hashSize = hash.HashSizeBytes;
        try
        {
            BlockHeaderEncoding.GetEncodedLength(header);
        }
        catch (BlockHeaderEncodingException exception)
        {
            if (exception.FieldName == "chain_id")
            {
                return BlockValidationError.ChainIdInvalid;
            }

            if (exception.FieldName == "proposer_node_id")
            {
                return BlockValidationError.ProposerNodeIdInvalid;
            }

            // Oversize hash fields fall through to the exact length checks below.
        }

        var expectedPrevLength = header.Height == 0 ? 0 : hashSize;
        if (header.PrevBlockHash.Length != expectedPrevLength)
        {
            return BlockValidationError.PrevBlockHashLengthInvalid;
        }

        if (header.TxRoot.Length != hashSize)
        {
            return BlockValidationError.TxRootLengthInvalid;
        }

        if (header.LogRoot.Length != hashSize)
        {
            return BlockValidationError.LogRootLengthInvalid;
        }

        if (header.StateRoot.Length != 0 && header.StateRoot.Length != hashSize)
        {
            return BlockValidationError.StateRootLengthInvalid;
        }

        var logSizeTooSmall = header.Height == 0 ? header.LogSize != header.TxCount : header.LogSize < header.TxCount;
        return logSizeTooSmall ? BlockValidationError.LogSizeLessThanTxCount : BlockValidationError.None;
    }

    /// <summary>Checks that <paramref name="next"/> extends <paramref name="previous"/>, hashing the previous header with <paramref name="hash"/>.</summary>
    public static BlockValidationError CheckLink(BlockHeader previous, BlockHeader next, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> previousHash = stackalloc byte[hash.HashSizeBytes];
        BlockHash.Compute(previous, hash, previousHash);
        return CheckLink(previous, previousHash, next);
    }

    /// <summary>As <see cref="CheckLink(BlockHeader, BlockHeader, IHashAlgorithm)"/> when the previous block's hash is already known (a verifier walking a chain hashes each header once).</summary>
    public static BlockValidationError CheckLink(BlockHeader previous, ReadOnlySpan<byte> previousHash, BlockHeader next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (!string.Equals(previous.ChainId, next.ChainId, StringComparison.Ordinal))
        {
            return BlockValidationError.ChainIdMismatch;
        }

        if (previous.Height == ulong.MaxValue || next.Height != previous.Height + 1)
        {
            return BlockValidationError.HeightNotSuccessor;
        }

        if (!next.PrevBlockHash.Span.SequenceEqual(previousHash))
        {
            return BlockValidationError.PrevBlockHashMismatch;
        }

        if (next.LogSize < previous.LogSize)
        {
            return BlockValidationError.LogSizeDecreased;
        }

        if (next.LogSize - previous.LogSize != next.TxCount)
        {
            return BlockValidationError.LogSizeNotPreviousPlusTxCount;
        }

        if (next.RaftTerm < previous.RaftTerm)
        {
            return BlockValidationError.RaftTermDecreased;
        }

        return next.RaftIndex <= previous.RaftIndex ? BlockValidationError.RaftIndexNotIncreasing : BlockValidationError.None;
    }

    public static void ValidateShape(BlockHeader header, IHashAlgorithm hash) =>
        ThrowIfError(CheckShape(header, hash), header);

    public static void ValidateLink(BlockHeader previous, BlockHeader next, IHashAlgorithm hash) =>
        ThrowIfError(CheckLink(previous, next, hash), next);

    public static void ValidateLink(BlockHeader previous, ReadOnlySpan<byte> previousHash, BlockHeader next) =>
        ThrowIfError(CheckLink(previous, previousHash, next), next);

    private static void ThrowIfError(BlockValidationError error, BlockHeader header)
    {
        if (error != BlockValidationError.None)
        {
            throw new BlockValidationException(error, $"block header at height {header.Height} of chain '{header.ChainId}' is invalid: {error}");
        }
    }
}
