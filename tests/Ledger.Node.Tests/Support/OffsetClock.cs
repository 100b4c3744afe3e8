namespace Ledger.Node.Tests.Support;

/// <summary>
/// The system clock moved by an offset that a test can change while the node runs: a node whose wall
/// clock is off (a year ahead, a minute behind). Only the wall clock moves; timestamps and timers keep
/// the system's monotonic clock, so ticks, elections and deadlines run as usual.
/// </summary>
public sealed class OffsetClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));
        set => Interlocked.Exchange(ref offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
