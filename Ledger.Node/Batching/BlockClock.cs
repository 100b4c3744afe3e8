namespace Ledger.Node.Batching;

/// <summary>
/// The leader's stamp for the batches it proposes: its clock, but always after the chain's last block
/// and after its own previous stamp, so the stamps it proposes are strictly increasing even when the
/// clock steps back (NTP correction, VM migration) — the rules reject a block whose time is not after
/// the previous block's (<see cref="Applying.BlockProductionRules"/>). Used by the batcher's loop only.
/// </summary>
public sealed class BlockClock(TimeProvider timeProvider, Func<long> latestBlockTimeUnixMs)
{
    private long lastStampUnixMs;

    /// <summary>max(now, latest block + 1 ms, previous stamp + 1 ms).</summary>
    public long Next()
    {
        var floor = Math.Max(lastStampUnixMs, latestBlockTimeUnixMs());
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lastStampUnixMs = floor == long.MaxValue ? floor : Math.Max(now, floor + 1);
        return lastStampUnixMs;
    }
}
