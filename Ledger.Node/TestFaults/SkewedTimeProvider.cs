namespace Ledger.Node.TestFaults;

/// <summary>
/// TEST/CHAOS ONLY. A clock that is wrong in a controlled way: the wall clock reads
/// <c>offset + drift × (time since this provider was created)</c> away from the true one, and the
/// monotonic clock (timestamps, and so timers, timeouts and Raft ticks) runs faster or slower by the
/// same drift, so every reading the node takes agrees with every other. Configured by
/// <c>Node:ClockOffsetMilliseconds</c> and <c>Node:ClockDriftPpm</c>; a chaos run uses it to give each node
/// its own clock error (block timestamps, linger timers, election and lease timing).
/// <para>
/// Timestamps stay strictly monotonic: the drift is bounded by <see cref="DriftPpmMax"/> (10 %), so the
/// skewed clock never stops or runs backwards.
/// </para>
/// </summary>
public sealed class SkewedTimeProvider : TimeProvider
{
    /// <summary>Largest |Node:ClockOffsetMilliseconds|: one hour.</summary>
    public const long OffsetMillisecondsMax = 60 * 60 * 1000;

    /// <summary>Largest |Node:ClockDriftPpm|: 100,000 parts per million (10 %: the clock gains or loses 6 minutes an hour).</summary>
    public const int DriftPpmMax = 100_000;

    private const long PartsPerMillion = 1_000_000;

    private readonly TimeProvider inner;
    private readonly long startTimestamp;

    public SkewedTimeProvider(TimeProvider inner, long offsetMilliseconds, int driftPpm)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Validate(offsetMilliseconds, driftPpm);
        this.inner = inner;
        Offset = TimeSpan.FromMilliseconds(offsetMilliseconds);
        DriftPpm = driftPpm;
        startTimestamp = inner.GetTimestamp();
    }

    /// <summary>How far the wall clock is off at creation.</summary>
    public TimeSpan Offset { get; }

    /// <summary>How much faster (positive) or slower (negative) this clock runs, in parts per million.</summary>
    public int DriftPpm { get; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <summary>The clock <c>Node:ClockOffsetMilliseconds</c> and <c>Node:ClockDriftPpm</c> ask for: <paramref name="inner"/> itself when both are 0.</summary>
    public static TimeProvider Wrap(TimeProvider inner, long offsetMilliseconds, int driftPpm) =>
        offsetMilliseconds == 0 && driftPpm == 0 ? inner : new SkewedTimeProvider(inner, offsetMilliseconds, driftPpm);

    /// <summary>Throws <see cref="InvalidOperationException"/> (one line, naming the option) for a value beyond its bound.</summary>
    public static void Validate(long offsetMilliseconds, int driftPpm)
    {
        if (offsetMilliseconds is < -OffsetMillisecondsMax or > OffsetMillisecondsMax)
        {
            throw new InvalidOperationException($"Node:ClockOffsetMilliseconds must be within ±{OffsetMillisecondsMax} (one hour), was {offsetMilliseconds}");
        }

        if (driftPpm is < -DriftPpmMax or > DriftPpmMax)
        {
            throw new InvalidOperationException($"Node:ClockDriftPpm must be within ±{DriftPpmMax}, was {driftPpm}");
        }
    }

    /// <summary>True time plus the offset plus the drift accumulated since creation.</summary>
    public override DateTimeOffset GetUtcNow()
    {
        var elapsedTicks = inner.GetTimestamp() - startTimestamp;
        var driftTicks = Drift(elapsedTicks);
        return inner.GetUtcNow() + Offset + TimeSpan.FromSeconds((double)driftTicks / inner.TimestampFrequency);
    }

    /// <summary>The true timestamp with the elapsed time since creation scaled by (1 + drift).</summary>
    public override long GetTimestamp()
    {
        var elapsedTicks = inner.GetTimestamp() - startTimestamp;
        return startTimestamp + elapsedTicks + Drift(elapsedTicks);
    }

    /// <summary>A timer whose due time and period are measured on this clock: a fast clock fires early in true time.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new SkewedTimer(inner.CreateTimer(callback, state, ToTrue(dueTime), ToTrue(period)), this);

    /// <summary>The true duration that this clock measures as <paramref name="skewed"/> (infinite and zero stay so).</summary>
    internal TimeSpan ToTrue(TimeSpan skewed) =>
        skewed == Timeout.InfiniteTimeSpan || skewed <= TimeSpan.Zero
            ? skewed
            : TimeSpan.FromTicks(Math.Max(1, (long)((Int128)skewed.Ticks * PartsPerMillion / (PartsPerMillion + DriftPpm))));

    private long Drift(long elapsedTicks) => (long)((Int128)elapsedTicks * DriftPpm / PartsPerMillion);

    private sealed class SkewedTimer(ITimer timer, SkewedTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(clock.ToTrue(dueTime), clock.ToTrue(period));

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
