using Ledger.Chaos.Workload;

namespace Ledger.Chaos.Tests.Workload;

public sealed class RecentAcksTests
{
    [Test]
    public void NewestAcknowledgedBy_TenSecondsOfAcksAtOnePerMillisecond_StillHoldsOneOldEnoughForEvidence()
    {
        // Arrange: timestamps in milliseconds; acks kept at most every 50 ms, as the workload does.
        var acks = new RecentAcks(spacing: (long)WorkloadLimits.RecentAcksSpacing.TotalMilliseconds);
        const long lastMs = 10_000;
        for (long ms = 0; ms <= lastMs; ms++)
        {
            acks.Add(new AcknowledgedRegistration([1], $"{ms}", ms));
        }

        // Act
        var cutoff = lastMs - (long)WorkloadLimits.EvidenceAckAgeMin.TotalMilliseconds;
        var candidate = acks.NewestAcknowledgedBy(cutoff);

        // Assert
        Assert.That(candidate, Is.Not.Null);
        Assert.That(candidate!.AcknowledgedTimestamp, Is.InRange(cutoff - (long)WorkloadLimits.RecentAcksSpacing.TotalMilliseconds, cutoff));
    }

    [Test]
    public void Check_TheWorkloadsBounds_FitTogether()
    {
        Assert.That(WorkloadLimits.Check, Throws.Nothing);
    }
}
