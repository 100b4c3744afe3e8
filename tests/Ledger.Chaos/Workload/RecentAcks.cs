namespace Ledger.Chaos.Workload;

/// <summary>One acknowledged registration: evidence can be exported for it.</summary>
public sealed record AcknowledgedRegistration(byte[] TransactionHash, string WorkKey, long AcknowledgedTimestamp);

/// <summary>
/// Recently acknowledged registrations, at most one per <c>spacing</c> (a ring of
/// <see cref="WorkloadLimits.RecentAcksMax"/>): spaced out so the ring reaches back further than
/// <see cref="WorkloadLimits.EvidenceAckAgeMin"/> at any ack rate (all of them would cover only the last
/// fraction of a second at 2,000/s). Thread-safe.
/// </summary>
public sealed class RecentAcks
{
    private readonly Lock gate = new();
    private readonly AcknowledgedRegistration?[] ring = new AcknowledgedRegistration?[WorkloadLimits.RecentAcksMax];
    private readonly long spacing;
    private long added;

    /// <param name="spacing">Least time between two kept acks, in the units of <see cref="AcknowledgedRegistration.AcknowledgedTimestamp"/>.</param>
    public RecentAcks(long spacing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spacing);
        this.spacing = spacing;
    }

    /// <summary>Keeps <paramref name="acknowledged"/> unless the last one kept is less than the spacing older.</summary>
    public void Add(AcknowledgedRegistration acknowledged)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        lock (gate)
        {
            var newest = added == 0 ? null : ring[(added - 1) % ring.Length];
            if (newest is not null && acknowledged.AcknowledgedTimestamp - newest.AcknowledgedTimestamp < spacing)
            {
                return;
            }

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
