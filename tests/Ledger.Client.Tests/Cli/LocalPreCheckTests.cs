using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// Submissions the ledger's rules would refuse from the body alone are refused before signing (issue #19):
/// the CLI runs the rules' own stateless field check (Ledger.Registry BodyBounds). The endpoint given
/// listens nowhere: had the CLI tried to submit, it would exit 4 (unavailable), not 2.
/// </summary>
public sealed class LocalPreCheckTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    [Test]
    public void ClaimFile_WithoutInfringingFile_IsRefusedBeforeSigningNamingTheOption()
    {
        using var directory = new TempDirectory();
        var key = Key(directory);
        var work = new string('a', 72);

        var run = CliRunner.RunWith(Isolated(directory), "claim", "file", "--work", work, "--infringing-item", "listing-42", "--key", key, "--endpoint", Nowhere);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain("infringing_content_sha256 is required").And.Contain("--infringing-file").And.Contain("nothing was submitted"));
    }

    [Test]
    public void ClaimFile_WithInfringingFile_PassesThePreCheckAndOnlyThenConnects()
    {
        using var directory = new TempDirectory();
        var key = Key(directory);
        var copy = directory.File("copy.jpg");
        File.WriteAllText(copy, "the infringing copy");

        var run = CliRunner.RunWith(Isolated(directory), "claim", "file", "--work", new string('a', 72), "--infringing-item", "listing-42", "--infringing-file", copy, "--key", key, "--endpoint", Nowhere);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Unavailable), run.Out + run.Error);
    }

    [Test]
    public void Submissions_FieldsOutOfTheRulesBounds_AreRefusedLocally()
    {
        using var directory = new TempDirectory();
        var key = Key(directory);
        var document = directory.File("judgment.pdf");
        File.WriteAllText(document, "judgment");
        var claim = new string('b', 64);

        var shortWorkId = CliRunner.RunWith(Isolated(directory), "transfer", "--work", "abcd", "--to-member", "court-1", "--key", key, "--endpoint", Nowhere);
        var longCaseNumber = CliRunner.RunWith(Isolated(directory), "judgment", "record", "--claim", claim, "--ruling", "settled", "--document", document, "--case-number", new string('9', 1000), "--key", key, "--endpoint", Nowhere);
        var emptyScope = CliRunner.RunWith(Isolated(directory), "license", "grant", "--work", new string('a', 72), "--licensee-member", "court-1", "--scope", "", "--territory", "EU", "--key", key, "--endpoint", Nowhere);

        Assert.That(shortWorkId.ExitCode, Is.EqualTo(ExitCodes.Usage), shortWorkId.Error);
        Assert.That(shortWorkId.Error, Does.Contain("work_id must be 36 bytes").And.Contain("--work"));
        Assert.That(longCaseNumber.ExitCode, Is.EqualTo(ExitCodes.Usage), longCaseNumber.Error);
        Assert.That(longCaseNumber.Error, Does.Contain("case_number").And.Contain("--case-number"));
        Assert.That(emptyScope.ExitCode, Is.EqualTo(ExitCodes.Usage), emptyScope.Error);
        Assert.That(emptyScope.Error, Does.Contain("scope is required"));
    }

    [Test]
    public void Submit_WithNoKeyAnywhere_IsAUsageErrorNamingFlagVariableAndContext()
    {
        using var directory = new TempDirectory();
        var variables = new Dictionary<string, string> { ["LEDGER_CONFIG"] = directory.File("none.json") };

        var run = CliRunner.RunWith(variables, "license", "revoke", "--license", new string('c', 64), "--endpoint", Nowhere);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
        Assert.That(run.Error, Does.Contain("--key").And.Contain("LEDGER_KEY").And.Contain("set-context"));
    }

    /// <summary>No environment but a config file that does not exist: no context, no LEDGER_* variable.</summary>
    private static Dictionary<string, string> Isolated(TempDirectory directory) => new() { ["LEDGER_CONFIG"] = directory.File("no-config.json") };

    private static string Key(TempDirectory directory)
    {
        var path = directory.File("member.key.json");
        var keygen = CliRunner.Run("keygen", "--suite", "p256-sha256", "--out", path);
        Assert.That(keygen.ExitCode, Is.EqualTo(ExitCodes.Ok), keygen.Error);
        return path;
    }
}
