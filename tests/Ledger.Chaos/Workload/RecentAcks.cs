namespace Ledger.Chaos.Workload;

/// <summary>One acknowledged registration: evidence can be exported for it.</summary>
public sealed record AcknowledgedRegistration(byte[] TransactionHash, string WorkKey, long AcknowledgedTimestamp);

/// <summary>The most recently acknowledged registrations (a ring of <see cref="WorkloadLimits.RecentAcksMax"/>). Thread-safe.</summary>
public sealed class RecentAcks
{
    private readonly Lock gate = new();
    private readonly AcknowledgedRegistration?[] ring = new AcknowledgedRegistration?[WorkloadLimits.RecentAcksMax];
    private long added;

    public void Add(AcknowledgedRegistration acknowledged)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        lock (gate)
        {
            ring[added % ring.Length] = acknowledged;
            added++;
        }
    }

    /// <summary>The newest remembered registration acknowledged at or before <paramref name="notAfterTimestamp"/>, if any.</summary>
    public AcknowledgedRegistration? NewestAcknowledgedBy(long notAfterTimestamp)
    {
        lock (gate)
        {
            var count = Math.Min(added, ring.Length);
            for (var back = 1; back <= count; back++)
            {
                var candidate = ring[(added - back) % ring.Length];
                if (candidate is not null && candidate.AcknowledgedTimestamp <= notAfterTimestamp)
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
