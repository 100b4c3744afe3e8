namespace Ledger.Chaos.Workload;

/// <summary>
/// A token bucket on an injected clock: tokens accrue at <c>ratePerSecond</c> up to <c>burst</c>, and
/// <see cref="TakeAsync"/> waits (on that clock) until at least one is there. Shared by every client of
/// one kind, so the rate holds across them; thread-safe.
/// </summary>
public sealed class TokenBucket
{
    /// <summary>Shortest pause between looks at the bucket (finer timers only burn CPU).</summary>
    private static readonly TimeSpan WaitMin = TimeSpan.FromMilliseconds(1);

    private readonly Lock gate = new();
    private readonly TimeProvider clock;
    private readonly double ratePerSecond;
    private readonly double burst;
    private double tokens;
    private long refilledAt;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratePerSecond, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        refilledAt = clock.GetTimestamp();
    }

    /// <summary>
    /// Takes between 1 and <paramref name="wanted"/> tokens (as many as are there, whole), waiting for the
    /// first one if none is; returns how many were taken.
    /// </summary>
    public async ValueTask<int> TakeAsync(int wanted, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var taken = TryTake(wanted, out var wait);
            if (taken > 0)
            {
                return taken;
            }

            await Task.Delay(wait < WaitMin ? WaitMin : wait, clock, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens without waiting; 0 when none is there, with how long until one is.</summary>
    public int TryTake(int wanted, out TimeSpan untilNext)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        lock (gate)
        {
            Refill();
            if (tokens >= 1)
            {
                var taken = (int)Math.Min(wanted, Math.Floor(tokens));
                tokens -= taken;
                untilNext = TimeSpan.Zero;
                return taken;
            }

            untilNext = TimeSpan.FromSeconds((1 - tokens) / ratePerSecond);
            return 0;
        }
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        var elapsed = clock.GetElapsedTime(refilledAt, now);
        refilledAt = now;
        tokens = Math.Min(burst, tokens + (elapsed.TotalSeconds * ratePerSecond));
    }
}
