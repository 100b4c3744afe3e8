using System.Diagnostics;
using System.Globalization;
using Ledger.Chaos.Checking.Linearizability;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>
/// How long the register check takes on a history shaped like a 10-minute run at 2,000 ops/s
/// (1.2 million operations: one registration and two reads per work, overlapping). A measurement,
/// not a test: run it by name; it asserts only the answer, never the time.
/// </summary>
[Explicit("measurement")]
public sealed class LinearizabilityMeasurement
{
    [Test]
    public void Check_TenMinutesAtTwoThousandOperationsPerSecond_PrintsTheTime()
    {
        const int works = 400_000;
        var operations = new List<Operation>(3 * works);
        var random = new Random(16);
        for (var i = 0; i < works; i++)
        {
            var work = i.ToString("x64", CultureInfo.InvariantCulture);
            var tx = (i + works).ToString("x64", CultureInfo.InvariantCulture);
            long start = i * 500L;
            var writeDone = start + random.Next(100, 5_000);
            operations.Add(Op(operations.Count, OperationKind.Register, work, start, writeDone, tx));
            var readStart = start + random.Next(0, 4_000);
            operations.Add(Op(operations.Count, OperationKind.ReadLinearizable, work, readStart, readStart + 300, readStart + 300 < writeDone ? null : tx));
            operations.Add(Op(operations.Count, OperationKind.ReadLinearizable, work, writeDone + 10, writeDone + 400, tx));
        }

        var stopwatch = Stopwatch.StartNew();
        var report = LinearizabilityChecker.Check(operations);
        stopwatch.Stop();

        TestContext.Out.WriteLine($"{operations.Count} operations over {works} works checked in {stopwatch.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} cores)");
        Assert.That(report.NonLinearizableWorks, Is.Zero);
        Assert.That(report.WorksChecked, Is.EqualTo(works));
    }

    private static Operation Op(int id, OperationKind kind, string work, long invoked, long completed, string? tx) =>
        new() { Id = id, ClientId = id % 16, Kind = kind, WorkKey = work, NodeId = "node-1", InvokedAt = invoked, CompletedAt = completed, Outcome = OutcomeKind.Ok, TransactionHash = tx };
}
