using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Ledger.Node.Attestation;

/// <summary>
/// Decides whether this node vouches for a block's time by attesting it: only when the time was within
/// the genesis bound of this node's clock when the block was applied here. Not a deterministic rule
/// (clocks differ), so it decides only this node's signature, never the block: a certified header then
/// means a quorum found its time plausible. A node catching up on old blocks (after a restart, or a
/// joiner replaying the chain) applies them as usual and just does not attest them; certification needs
/// a quorum, not every node. Refusals are counted (<c>ledger_block_time_refusals_total{where="attestation"}</c>)
/// and logged at most once per <see cref="LogInterval"/>, so catch-up does not flood the log.
/// </summary>
public sealed partial class BlockTimeWitness
{
    /// <summary>Least time between two refusal log lines (the count in between is logged with the next).</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider clock;
    private readonly Counter.Child? refusals;
    private readonly ILogger logger;
    private long lastLogTimestamp;
    private long refusedSinceLog;

    public BlockTimeWitness(TimeProvider clock, uint skewMilliseconds, Counter.Child? refusals, ILogger logger)
    {
        this.clock = clock;
        SkewMilliseconds = skewMilliseconds;
        this.refusals = refusals;
        this.logger = logger;
    }

    /// <summary>The bound, from genesis.</summary>
    public uint SkewMilliseconds { get; }

    /// <summary>This node's clock now, in Unix milliseconds: read when a block is applied.</summary>
    public long NowUnixMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>True when this node attests <paramref name="header"/>, applied here at <paramref name="appliedUnixMs"/>; else counts and (rate-limited) logs the refusal.</summary>
    public bool Vouches(BlockHeader header, long appliedUnixMs)
    {
        if (BlockTimeBound.IsWithin(header.TimestampUnixMs, appliedUnixMs, SkewMilliseconds))
        {
            return true;
        }

        refusals?.Inc();
        refusedSinceLog++;
        var now = clock.GetTimestamp();
        if (lastLogTimestamp == 0 || clock.GetElapsedTime(lastLogTimestamp, now) >= LogInterval)
        {
            var aheadMilliseconds = header.TimestampUnixMs - appliedUnixMs;
            if (aheadMilliseconds > 0)
            {
                LogAhead(logger, header.Height, aheadMilliseconds, BlockTimeBound.Describe(SkewMilliseconds), refusedSinceLog);
            }
            else
            {
                LogBehind(logger, header.Height, -aheadMilliseconds, BlockTimeBound.Describe(SkewMilliseconds), refusedSinceLog);
            }

            lastLogTimestamp = now;
            refusedSinceLog = 0;
        }

        return false;
    }

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Not attesting block {Height}: its time is {AheadMilliseconds} ms ahead of this node's clock (bound {Bound}): the proposer's clock is ahead or this node's is behind; {Refused} blocks not attested since the last such line")]
    private static partial void LogAhead(ILogger logger, ulong height, long aheadMilliseconds, string bound, long refused);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Not attesting block {Height}: its time is {BehindMilliseconds} ms behind this node's clock (bound {Bound}): expected while catching up on old blocks, otherwise this node's clock is ahead; {Refused} blocks not attested since the last such line")]
    private static partial void LogBehind(ILogger logger, ulong height, long behindMilliseconds, string bound, long refused);
}
