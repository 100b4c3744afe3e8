using Ledger.Chaos.History;
using Ledger.Chaos.Workload;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Workload;

/// <summary>Not a test: prints what the default rate achieves against an in-process cluster on this machine (run by name).</summary>
[Explicit("a measurement, not a test: run by name")]
public sealed class WorkloadRateMeasurement
{
    [Test]
    public async Task RunAsync_DefaultRateForTwentySeconds_PrintsTheSummary()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var recorder = new HistoryRecorder();
        var options = WorkloadTestSupport.OptionsFor(cluster);
        var workload = new ChaosWorkload(new WorkloadOptions
        {
            Nodes = options.Nodes,
            GenesisBytes = options.GenesisBytes,
            Signers = options.Signers,
            RegistrationsPerSecond = 2_000,
            ClientCount = 4,
            ReaderCount = 4,
            ReadsPerSecond = 200,
        }, recorder);

        var summary = await WorkloadTestSupport.RunForAsync(workload, TimeSpan.FromSeconds(20));

        var latencies = new List<double>();
        foreach (var operation in recorder.Snapshot())
        {
            if (operation is { Kind: OperationKind.Register, Outcome: OutcomeKind.Ok, CompletedAt: { } completed })
            {
                latencies.Add((completed - operation.InvokedAt) * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
            }
        }

        latencies.Sort();
        TestContext.Out.WriteLine($"{summary} acked_per_second={summary.Acknowledged / 20.0:0} ack_latency_ms_p50={Percentile(latencies, 0.5):0} p99={Percentile(latencies, 0.99):0}");
        Assert.That(summary.Submitted, Is.GreaterThan(0));
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];
}
