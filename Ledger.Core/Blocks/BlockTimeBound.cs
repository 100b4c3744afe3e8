using System.Globalization;

namespace Ledger.Core.Blocks;

/// <summary>
/// The one statement of "this block time is plausible by my clock": a node vouches for a block's
/// time — acknowledges the entry that carries it, attests the block — only when the time lies within
/// the consortium's bound (genesis <c>blockTimeSkewMilliseconds</c>) of the node's own clock. Shared by
/// the follower's check before it acknowledges an entry, the attestation check and the evidence report.
/// Not part of the deterministic rules: two honest nodes may read different clocks.
/// </summary>
public static class BlockTimeBound
{
    /// <summary>The block time is at most <paramref name="skewMilliseconds"/> away from the clock, either way.</summary>
    public static bool IsWithin(long blockTimeUnixMs, long clockUnixMs, uint skewMilliseconds) =>
        !IsAhead(blockTimeUnixMs, clockUnixMs, skewMilliseconds) && !IsBehind(blockTimeUnixMs, clockUnixMs, skewMilliseconds);

    /// <summary>The block time is further in the future than the bound allows (never legitimate: no honest leader stamps ahead of its clock).</summary>
    public static bool IsAhead(long blockTimeUnixMs, long clockUnixMs, uint skewMilliseconds) =>
        (Int128)blockTimeUnixMs - clockUnixMs > skewMilliseconds;

    /// <summary>The block time is further in the past than the bound allows (legitimate for a node catching up on old blocks).</summary>
    public static bool IsBehind(long blockTimeUnixMs, long clockUnixMs, uint skewMilliseconds) =>
        (Int128)clockUnixMs - blockTimeUnixMs > skewMilliseconds;

    /// <summary>The bound as a reader says it: "±2 s", "±1.5 s", "±250 ms".</summary>
    public static string Describe(uint skewMilliseconds) =>
        skewMilliseconds >= 1_000
            ? string.Create(CultureInfo.InvariantCulture, $"±{skewMilliseconds / 1000.0:0.###} s")
            : string.Create(CultureInfo.InvariantCulture, $"±{skewMilliseconds} ms");
}
