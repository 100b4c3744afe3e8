using System.Text.Json;
using Json.Schema;
using Ledger.Cli.Commands;
using Ledger.Cli.Evidence;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;

namespace Ledger.Client.Tests.Evidence;

/// <summary>
/// The published format (issue 15, point 9): docs/samples/ holds exactly what
/// <c>ledger evidence samples --out docs/samples --force</c> writes, every sample matches
/// docs/evidence-bundle.schema.json, the schema names exactly the members the strict reader reads,
/// and each sample verifies with its documented verdict and exit code.
/// </summary>
public sealed class EvidenceSamplesTests
{
    private static readonly string Repository = FindRepository();

    private static string SamplesDirectory => Path.Combine(Repository, "docs", "samples");

    private static string SchemaPath => Path.Combine(Repository, "docs", "evidence-bundle.schema.json");

    /// <summary>Built once: the library registers a schema by its $id and refuses to register it twice.</summary>
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    public static IEnumerable<SampleBundles.Sample> Samples() => SampleBundles.Create();

    [Test]
    public void Samples_Committed_AreExactlyWhatTheCommandGenerates()
    {
        using var directory = new TempDirectory();

        var run = CliRunner.Run("evidence", "samples", "--out", directory.Path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        var generated = Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var committed = Directory.GetFiles(SamplesDirectory).Select(Path.GetFileName).Where(n => n != "README.md").Order(StringComparer.Ordinal).ToList();
        Assert.That(committed, Is.EqualTo(generated), "regenerate: dotnet run --project Ledger.Cli -- evidence samples --out docs/samples --force");
        foreach (var name in generated)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(SamplesDirectory, name!)), Is.EqualTo(File.ReadAllBytes(directory.File(name!))), $"{name} differs from a fresh generation");
        }
    }

    [Test]
    public void Create_Twice_GivesIdenticalBytes()
    {
        var first = SampleBundles.Create();
        var second = SampleBundles.Create();

        Assert.That(second.Select(s => s.Bytes), Is.EqualTo(first.Select(s => s.Bytes)));
    }

    [TestCaseSource(nameof(Samples))]
    public void Sample_MatchesTheJsonSchema(SampleBundles.Sample sample)
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse(sample.Bytes);

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });

        Assert.That(result.IsValid, Is.True, JsonSerializer.Serialize(result));
    }

    [Test]
    public void Schema_RejectsAnUnknownMemberAndAMissingOne()
    {
        var schema = Schema.Value;
        var valid = System.Text.Encoding.UTF8.GetString(SampleBundles.Create()[0].Bytes);

        using var extra = JsonDocument.Parse(valid.Replace("\"formatVersion\":2,", "\"formatVersion\":2,\"extra\":1,", StringComparison.Ordinal));
        using var missing = JsonDocument.Parse(valid.Replace("\"priorRegistration\":null", "\"x\":null", StringComparison.Ordinal));

        Assert.That(schema.Evaluate(extra.RootElement).IsValid, Is.False);
        Assert.That(schema.Evaluate(missing.RootElement).IsValid, Is.False);
    }

    [Test]
    public void Schema_ListsExactlyTheMembersTheReaderReads()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(SchemaPath));
        var root = schema.RootElement;
        var definitions = root.GetProperty("$defs");
        string[] Required(JsonElement element) => [.. element.GetProperty("required").EnumerateArray().Select(e => e.GetString()!)];
        string[] Properties(JsonElement element) => [.. element.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

        var expected = new Dictionary<string, string[]>
        {
            ["(bundle)"] = EvidenceBundleJson.Members.Bundle,
            ["result"] = EvidenceBundleJson.Members.Result,
            ["proof"] = EvidenceBundleJson.Members.Proof,
            ["header"] = EvidenceBundleJson.Members.Header,
            ["attestation"] = EvidenceBundleJson.Members.Attestation,
            ["certifiedHeader"] = EvidenceBundleJson.Members.CertifiedHeader,
            ["governanceChange"] = EvidenceBundleJson.Members.GovernanceChange,
            ["itemOutcome"] = EvidenceBundleJson.Members.ItemOutcome,
            ["batchItem"] = EvidenceBundleJson.Members.BatchItem,
            ["priorRegistration"] = EvidenceBundleJson.Members.PriorRegistration,
            ["checkpoint"] = EvidenceBundleJson.Members.Checkpoint,
        };
        Assert.Multiple(() =>
        {
            foreach (var (name, members) in expected)
            {
                var element = name == "(bundle)" ? root : definitions.GetProperty(name);
                Assert.That(Required(element), Is.EqualTo(members), $"{name}: required, in writing order");
                Assert.That(Properties(element), Is.EqualTo(members), $"{name}: properties, in writing order");
                Assert.That(element.GetProperty("additionalProperties").GetBoolean(), Is.False, name);
            }
        });
    }

    [TestCaseSource(nameof(Samples))]
    public void Sample_VerifiesWithItsVerdictAndExitCode(SampleBundles.Sample sample)
    {
        var path = Path.Combine(SamplesDirectory, sample.FileName);
        var genesis = Path.Combine(SamplesDirectory, SampleBundles.GenesisFile);

        var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(File.ReadAllBytes(path)), new EvidenceVerificationOptions { TrustedGenesisSha256 = System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(genesis)) });
        var run = CliRunner.Run("evidence", "verify", path, "--genesis", genesis);

        Assert.That(report.Verdict, Is.EqualTo(sample.Verdict), string.Join("\n", report.Checks.Select(c => $"{c.Name}: {c.Status} {c.Detail}")));
        Assert.That(run.ExitCode, Is.EqualTo(EvidenceCommands.ExitCodeOf(sample.Verdict)), run.Out + run.Error);
    }

    [Test]
    public void ValidSample_WithoutGenesis_ExitsEightNotAnchored()
    {
        var run = CliRunner.Run("evidence", "verify", Path.Combine(SamplesDirectory, "valid.json"), "--content", Path.Combine(SamplesDirectory, SampleBundles.ContentFile));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NotAnchored), run.Out + run.Error);
        Assert.That(run.Out, Does.Contain("RESULT: NOT ANCHORED").And.Not.Contain("RESULT: VALID"));
    }

    [Test]
    public void RejectedSample_Text_TellsTheClerkWhoRegisteredItFirst()
    {
        var run = CliRunner.Run("evidence", "verify", Path.Combine(SamplesDirectory, "rejected.json"), "--genesis", Path.Combine(SamplesDirectory, SampleBundles.GenesisFile));

        Assert.That(run.Out, Does.Contain("RESULT: REJECTED — the ledger refused this registration: the same content was registered earlier by member 'studio' in block 1 at 2026-01-05 09:00:00.000 UTC (tx "));
        Assert.That(run.Out, Does.Contain("Earlier registration: tx ").And.Contain("  by:         member 'studio' (rights_holder)"));
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ledger.sln not found above the test directory");
    }
}
