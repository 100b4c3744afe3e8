using Ledger.Chaos.History;
using Ledger.Chaos.Workload;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Workload;

public sealed class WorkloadNodeStoppedTests
{
    [Test]
    public async Task RunAsync_LeaderStoppedMidRun_RecordsNoAcknowledgementTheChainLacks()
    {
        // Arrange
        await using var cluster = await TestCluster.StartAsync(3);
        var recorder = new HistoryRecorder();
        var workload = new ChaosWorkload(WorkloadTestSupport.OptionsFor(cluster), recorder);
        long stoppedAt = 0;

        // Act: stop the leader halfway; its streams break, its clients move on and resend.
        var summary = await WorkloadTestSupport.RunForAsync(workload, TimeSpan.FromSeconds(8), async () =>
        {
            var leader = await cluster.WaitForLeaderAsync();
            stoppedAt = HistoryRecorder.Now;
            await leader.StopAsync();
        });
        var history = recorder.Snapshot();
        var newLeader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        await cluster.WaitForHeightAsync(WorkloadTestSupport.HighestAcknowledgedBlock(history));

        // Assert: every Ok is in the surviving chain where its receipt said; nothing is left open; and
        // registrations invoked after the stop were acknowledged (failover works, it is not all Unknown).
        var disagreements = new List<string>();
        var open = 0;
        var acknowledgedAfterStop = 0;
        foreach (var operation in history)
        {
            if (operation.Kind != OperationKind.Register)
            {
                continue;
            }

            open += operation.CompletedAt is null ? 1 : 0;
            if (operation.Outcome != OutcomeKind.Ok)
            {
                continue;
            }

            acknowledgedAfterStop += operation.InvokedAt > stoppedAt ? 1 : 0;
            if (await WorkloadTestSupport.DisagreementWithChainAsync(newLeader, operation) is { } disagreement)
            {
                disagreements.Add(disagreement);
            }
        }

        TestContext.Out.WriteLine(summary.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty);
            Assert.That(open, Is.Zero);
            Assert.That(acknowledgedAfterStop, Is.GreaterThan(0), summary.ToString());
            Assert.That(summary.Retries, Is.GreaterThan(0), "the stopped leader's clients must have resent");
            Assert.That(summary.Acknowledged + summary.Failed + summary.Unknown, Is.EqualTo(summary.Submitted));
        });
    }
}
