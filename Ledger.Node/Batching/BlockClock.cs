namespace Ledger.Node.Batching;

/// <summary>
/// The leader's stamp for the batches it proposes: its clock, but always after the chain's last block
/// and after its own previous stamp in the same term, so the stamps it proposes are strictly increasing
/// even when the clock steps back (NTP correction, VM migration) — the rules reject a block whose time is
/// not after the previous block's (<see cref="Applying.BlockProductionRules"/>). A stamp of an earlier
/// term counts only once it is in the chain: a leader whose clock was wrong, whose stamps the followers
/// refused, stamps from its corrected clock when it leads again. Used by the batcher's loop only.
/// </summary>
public sealed class BlockClock(TimeProvider timeProvider, Func<long> latestBlockTimeUnixMs, Func<ulong> currentTerm)
{
    private long lastStampUnixMs;
    private ulong lastStampTerm;

    /// <summary>max(now, latest block + 1 ms, previous stamp of this term + 1 ms).</summary>
    public long Next()
    {
        var term = currentTerm();
        var floor = latestBlockTimeUnixMs();
        if (term == lastStampTerm)
        {
            floor = Math.Max(floor, lastStampUnixMs);
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lastStampUnixMs = floor == long.MaxValue ? floor : Math.Max(now, floor + 1);
        lastStampTerm = term;
        return lastStampUnixMs;
    }
}
