using Ledger.Browser.Tests.Matrix;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;

namespace Ledger.Browser.Tests;

/// <summary>The cross-check matrix's C# side: what every case must conclude, whatever verifier runs it.</summary>
public sealed class MatrixTests
{
    private static readonly Lazy<IReadOnlyList<MatrixCase>> Cases = new(CrossCheckMatrix.All);

    /// <summary>
    /// Members the C# verifier does not bind to anything, so changing them leaves the bundle VALID:
    /// a governance change's position only has to keep the changes in order (EvidenceVerifier.cs,
    /// VerifyGovernance: the log leaf index is proven, the (height, position) pair is not compared
    /// with it). Listed here so the gap is visible and the list cannot grow silently.
    /// </summary>
    private static readonly string[] KnownUnboundMembers = ["governanceChanges[1].position", "governanceChanges[2].position", "governanceChanges[5].position"];

    private static IEnumerable<string> SuiteNames => CryptoSuites.Names;

    [Test]
    [Explicit("writes the matrix for other verifiers to LEDGER_MATRIX_DIR (default /work/matrix)")]
    public void WriteMatrix()
    {
        MatrixFiles.Write(Cases.Value, MatrixFiles.Directory);

        TestContext.Out.WriteLine($"{Cases.Value.Count} cases written to {MatrixFiles.Directory}");
        Assert.That(File.Exists(Path.Combine(MatrixFiles.Directory, MatrixFiles.CasesFile)), Is.True);
    }

    [TestCaseSource(nameof(SuiteNames))]
    public void Matrix_EveryTamperedMember_InvalidOrMalformed(string suite)
    {
        var tampered = Cases.Value.Where(c => c.Suite == suite && c.Name.Contains("/tampered/", StringComparison.Ordinal)).ToList();

        var accepted = tampered
            .Where(c => c.Expected.Report is { Verdict: not EvidenceVerdict.Invalid })
            .Where(c => !KnownUnboundMembers.Any(member => c.Name.EndsWith($"/{member}", StringComparison.Ordinal)))
            .Select(c => $"{c.Name}: {c.Expected.Outcome}")
            .ToList();

        Assert.That(tampered, Has.Count.GreaterThan(100));
        Assert.That(accepted, Is.Empty);
    }

    [TestCaseSource(nameof(SuiteNames))]
    public void Matrix_NamedCases_ReachTheirVerdicts(string suite)
    {
        string Outcome(string name) => Cases.Value.Single(c => c.Name == $"{suite}/{name}").Expected.Outcome;

        Assert.Multiple(() =>
        {
            Assert.That(Outcome("valid"), Is.EqualTo("valid"));
            Assert.That(Outcome("valid/right-content"), Is.EqualTo("valid"));
            Assert.That(Outcome("valid/wrong-content"), Is.EqualTo("invalid"));
            Assert.That(Outcome("rejected"), Is.EqualTo("rejected"));
            Assert.That(Outcome("rejected/prior-is-item"), Is.EqualTo("rejected"));
            Assert.That(Outcome("item-valid"), Is.EqualTo("valid"));
            Assert.That(Outcome("item-valid/early-batch"), Is.EqualTo("valid"));
            Assert.That(Outcome("item-rejected"), Is.EqualTo("rejected"));
            Assert.That(Outcome(CrossCheckMatrix.RichestBundle), Is.EqualTo("rejected"));
            Assert.That(Outcome("wrong-genesis"), Is.EqualTo("invalid"));
            Assert.That(Outcome("not-anchored"), Is.EqualTo("not-anchored"));
            Assert.That(Outcome(CrossCheckMatrix.GovernanceBundle), Is.EqualTo("valid"));
            Assert.That(Outcome($"{CrossCheckMatrix.GovernanceBundle}/missing-change-0"), Is.EqualTo("invalid"));
            Assert.That(Outcome("malformed/not-json"), Is.EqualTo("malformed"));
        });
    }
}
