using Ledger.Fuzz.Evidence;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// Issue #17 item 5 as a differential fuzz: the browser verifier (web/verifier under node) and
/// Ledger.Core's EvidenceVerifier (as <c>ledger evidence verify</c> runs it) reach the same
/// malformed-ness, verdict and check statuses on mutated bundles of all three suites.
/// </summary>
[NonParallelizable]
public sealed class EvidenceDiffTests
{
    private const int ShortRunCasesPerSeed = 500;
    private static readonly string ReproDirectory = Path.Combine(TestContext.CurrentContext.TestDirectory, "EvidenceDiff");

    [Test]
    public void Execute_ShortRunOnFixedSeeds_FindsNoNewMismatch()
    {
        // Arrange
        var corpus = EvidenceCorpus.All;
        long[] seeds = [1, 2, 3];
        var cases = seeds.SelectMany(seed => Enumerable.Range(0, ShortRunCasesPerSeed).Select(i => DiffCaseGenerator.Create(seed, i, corpus)));
        using var log = new StringWriter();

        // Act
        var summary = EvidenceDiffRun.Execute(cases, log, findingsDirectory: null);

        // Assert
        TestContext.Out.WriteLine(summary.ClosingLine);
        Assert.That(summary.Cases, Is.EqualTo(seeds.Length * ShortRunCasesPerSeed));
        Assert.That(summary.Mismatches, Is.Empty, log.ToString());
        Assert.That(summary.Count("malformed"), Is.GreaterThan(0), "the mutations reach the reader's refusals");
        Assert.That(summary.Count("invalid"), Is.GreaterThan(0), "the mutations reach failing checks");
        Assert.That(summary.Count("valid") + summary.Count("rejected"), Is.GreaterThan(0), "some cases keep a proven verdict");
    }

    [Test]
    public void Execute_PlantedBugPassingFailedSignatureChecks_IsCaught()
    {
        // Arrange: a JS side that reports a failed "transaction signature" check as passed (js-driver.mjs --plant).
        var corpus = EvidenceCorpus.All;
        var cases = Enumerable.Range(0, ShortRunCasesPerSeed).Select(i => DiffCaseGenerator.Create(11, i, corpus));
        using var log = new StringWriter();

        // Act
        var summary = EvidenceDiffRun.Execute(cases, log, findingsDirectory: null, plantedBug: "pass-failed:transaction signature");

        // Assert
        Assert.That(summary.Mismatches, Is.Not.Empty, "a verifier that passes forged signatures must not go unnoticed");
        Assert.That(summary.Mismatches.Select(m => m.Difference), Has.All.Contain("transaction signature").Or.Contain("verdict"));
        Assert.That(log.ToString(), Does.Contain("MISMATCH seed=11"));
    }

    [Test]
    public void Create_SameSeedAndIndex_MakesTheSameCase()
    {
        // Arrange
        var corpus = EvidenceCorpus.All;

        // Act
        var first = DiffCaseGenerator.Create(5, 42, corpus);
        var again = DiffCaseGenerator.Create(5, 42, corpus);

        // Assert
        Assert.That(again.Mutation, Is.EqualTo(first.Mutation));
        Assert.That(again.Bundle, Is.EqualTo(first.Bundle));
        Assert.That(again.TrustedGenesisSha256, Is.EqualTo(first.TrustedGenesisSha256));
        Assert.That(again.Content, Is.EqualTo(first.Content));
    }

    [Test]
    public void Read_WrittenCaseFile_ReplaysTheSameCase()
    {
        // Arrange
        var diffCase = DiffCaseGenerator.Create(3, 7, EvidenceCorpus.All);
        var directory = Path.Combine(Path.GetTempPath(), $"evidence-diff-test-{Environment.ProcessId}");

        try
        {
            // Act
            var file = DiffCaseFile.Write(directory, diffCase, "none");
            var read = DiffCaseFile.Read(file);

            // Assert
            Assert.That(read, Is.EqualTo(diffCase with { Bundle = read.Bundle, TrustedGenesisSha256 = read.TrustedGenesisSha256, Content = read.Content }));
            Assert.That(read.Bundle, Is.EqualTo(diffCase.Bundle));
            Assert.That(read.TrustedGenesisSha256, Is.EqualTo(diffCase.TrustedGenesisSha256));
            Assert.That(read.Content, Is.EqualTo(diffCase.Content));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Repros of divergences that were fixed: <c>fixed-{id}.case.json</c>.</summary>
    public static IEnumerable<TestCaseData> FixedDivergenceRepros() =>
        Directory.GetFiles(ReproDirectory, "fixed-*" + DiffCaseFile.Extension).Order(StringComparer.Ordinal)
            .Select(file => new TestCaseData(Path.GetFileName(file)));

    [Test]
    public void FixedDivergenceRepros_AreThere()
    {
        Assert.That(FixedDivergenceRepros().Count(), Is.GreaterThan(0));
    }

    /// <summary>Each divergence the fuzzer found and that was fixed stays fixed: both verifiers reach the same outcome.</summary>
    [TestCaseSource(nameof(FixedDivergenceRepros))]
    public void Verify_FixedDivergenceRepro_BothVerifiersAgree(string reproFile)
    {
        // Arrange
        var diffCase = DiffCaseFile.Read(Path.Combine(ReproDirectory, reproFile));
        using var js = JsVerifierProcess.Start();

        // Act
        var csharp = CSharpVerifier.Run(diffCase);
        var javascript = js.Verify(diffCase);

        // Assert
        Assert.That(OutcomeComparison.Difference(csharp, javascript), Is.Null);
    }
}
