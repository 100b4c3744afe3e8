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

        var summary = BatchInputFuzzRun.Execute(csvCases: 400, directoryCases: 40, journalCases: 60, seed: seed, log);

        TestContext.Out.WriteLine(summary.ClosingLine);
        TestContext.Out.WriteLine(string.Join(' ', summary.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Findings, Is.Empty, log.ToString());
            Assert.That(summary.Count("csv", "accepted"), Is.GreaterThan(30), "some mutated manifests still parse");
            Assert.That(summary.Count("csv", "refused"), Is.GreaterThan(200), "most mutations reach the reader's refusals");
            Assert.That(summary.Count("directory", "accepted"), Is.GreaterThan(10), "some generated trees read");
            Assert.That(summary.Count("journal", "refused"), Is.GreaterThan(10), "most damage is refused as such");
            Assert.That(summary.Count("journal", "accepted"), Is.GreaterThan(0), "the undamaged journal (and harmless damage) completes");
        });
    }

    [Test]
    public void Execute_TheSameSeedTwice_ReplaysEveryCaseExactly()
    {
        using var first = new StringWriter();
        using var second = new StringWriter();

        BatchInputFuzzRun.Execute(csvCases: 60, directoryCases: 10, journalCases: 30, seed: 77, trace: first);
        BatchInputFuzzRun.Execute(csvCases: 60, directoryCases: 10, journalCases: 30, seed: 77, trace: second);

        Assert.That(WithoutScratchNames(second.ToString()), Is.EqualTo(WithoutScratchNames(first.ToString())));
    }

    [Test]
    public void CheckNamedPipe_APipeInTheManifestDirectory_IsRefusedNotWaitedOn()
    {
        using var scratch = new TempScratch();

        var outcome = DirectoryManifestFuzz.CheckNamedPipe(scratch.Path, TimeSpan.FromSeconds(30));

        Assert.That(outcome.Kind, Is.EqualTo("refused"), outcome.Detail);
        Assert.That(outcome.Detail, Does.Contain("b.pipe").And.Contain("is not a regular file"));
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

    /// <summary>Refusals name the file, under a scratch directory whose name is random per run.</summary>
    private static string WithoutScratchNames(string trace) =>
        System.Text.RegularExpressions.Regex.Replace(trace, "(ledger-fuzz-[a-z-]+-)[A-Za-z0-9]{6}", "$1scratch");

    private sealed class TempScratch : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ledger-fuzz-pipe-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
