using Ledger.Core.Protocol;

namespace Ledger.Core.Blocks;

/// <summary>
/// Where a block's transaction sits in the global log. A block's transactions are the last
/// tx_count leaves of the log of log_size leaves its header commits to, in position order, so the
/// transaction at <c>position</c> is leaf <c>log_size - tx_count + position</c>.
/// <para>
/// Requires <c>position &lt; tx_count ≤ log_size</c>; then the index is below log_size and nothing
/// overflows. <see cref="Get(ulong, uint, uint)"/> throws when that does not hold (a caller's own
/// stored block: a broken bound is a bug); <see cref="TryGet(ulong, uint, uint, out ulong)"/> says
/// false instead, for verifiers of what an outsider sent (a bundle, a receipt), which reject.
/// </para>
/// </summary>
public static class LogLeafIndex
{
    /// <summary>The log leaf of the transaction at <paramref name="position"/> of the block with <paramref name="header"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is not one of the block's transactions, or tx_count exceeds log_size.</exception>
    public static ulong Get(BlockHeader header, uint position)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Get(header.LogSize, header.TxCount, position);
    }

    /// <summary>The log leaf of the transaction at <paramref name="position"/> of a block of <paramref name="txCount"/> transactions ending the log at <paramref name="logSize"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless position &lt; txCount ≤ logSize.</exception>
    public static ulong Get(ulong logSize, uint txCount, uint position)
    {
        if (!TryGet(logSize, txCount, position, out var leafIndex))
        {
            throw new ArgumentOutOfRangeException(
                nameof(position), position, $"no transaction at this position of a block of {txCount} transactions ending a log of {logSize} leaves");
        }

        return leafIndex;
    }

    /// <summary>Like <see cref="Get(BlockHeader, uint)"/>, but false (never an exception) when the position is not one of the block's transactions or tx_count exceeds log_size.</summary>
    public static bool TryGet(BlockHeader header, uint position, out ulong leafIndex)
    {
        ArgumentNullException.ThrowIfNull(header);
        return TryGet(header.LogSize, header.TxCount, position, out leafIndex);
    }

    /// <summary>Like <see cref="Get(ulong, uint, uint)"/>, but false (never an exception) unless position &lt; txCount ≤ logSize.</summary>
    /// <remarks>The one place the bounds are checked.</remarks>
    public static bool TryGet(ulong logSize, uint txCount, uint position, out ulong leafIndex)
    {
        if (position >= txCount || txCount > logSize)
        {
            leafIndex = 0;
            return false;
        }

        leafIndex = logSize - txCount + position;
        return true;
    }
}
