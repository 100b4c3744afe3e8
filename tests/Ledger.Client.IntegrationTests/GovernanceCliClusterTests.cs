using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Core.Keys;

namespace Ledger.Client.IntegrationTests;

/// <summary>The <c>ledger governance</c> commands against a real cluster: propose, show, vote; a change executes when the threshold is met.</summary>
public sealed class GovernanceCliClusterTests : ClusterFixture
{
    private string directory = null!;
    private string adminKeyPath = null!;

    [SetUp]
    public void CreateDirectory()
    {
        directory = Directory.CreateTempSubdirectory("ledger-governance-cli-").FullName;
        adminKeyPath = Path.Combine(directory, "admin-1.key.json");
        File.WriteAllText(adminKeyPath, KeyFile.Export(Cluster.Consortium.Admin));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void ProposeAndVote_SecondAdminNeeded_ChangeExecutesOnlyWhenTheVoteMeetsTheThreshold()
    {
        var secondAdminKey = Path.Combine(directory, "admin-2.key.json");
        var auditorKey = Path.Combine(directory, "auditor-9.key.json");
        Assert.That(LedgerCommand.Run(["keygen", "--out", secondAdminKey]).ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(LedgerCommand.Run(["keygen", "--out", auditorKey]).ExitCode, Is.EqualTo(ExitCodes.Ok));

        // One admin: the proposer's own approval is a majority, so the change executes at once.
        var addAdmin = LedgerCommand.Run(["governance", "propose", "add-member", "--member", "admin-2", "--role", "admin", "--public-key", secondAdminKey, "--key", adminKeyPath, "-o", "json", .. ConnectionArguments()]);
        // Two admins: a majority is both of them.
        var addAuditor = LedgerCommand.Run(["governance", "propose", "add-member", "--member", "auditor-9", "--role", "auditor", "--public-key", auditorKey, "--rationale", "court-appointed auditor", "--key", adminKeyPath, "-o", "json", .. ConnectionArguments()]);
        var proposalId = addAuditor.Json().GetProperty("proposalId").GetString()!;
        var beforeVote = LedgerCommand.Run(["governance", "show", proposalId, "-o", "json", .. ConnectionArguments()]);
        var vote = LedgerCommand.Run(["governance", "vote", proposalId, "--approve", "--key", secondAdminKey, "-o", "json", .. ConnectionArguments()]);
        var afterVote = LedgerCommand.Run(["governance", "show", proposalId, "-o", "json", .. ConnectionArguments()]);

        Assert.That(addAdmin.ExitCode, Is.EqualTo(ExitCodes.Ok), addAdmin.ToString());
        Assert.That(addAuditor.ExitCode, Is.EqualTo(ExitCodes.Ok), addAuditor.ToString());
        Assert.That(beforeVote.ExitCode, Is.EqualTo(ExitCodes.Ok), beforeVote.ToString());
        Assert.That(beforeVote.Json().GetProperty("status").GetString(), Is.EqualTo("PROPOSAL_STATUS_OPEN"));
        Assert.That(vote.ExitCode, Is.EqualTo(ExitCodes.Ok), vote.ToString());
        Assert.That(afterVote.Json().GetProperty("status").GetString(), Is.EqualTo("PROPOSAL_STATUS_EXECUTED"), afterVote.ToString());
        Assert.That(afterVote.Json().GetProperty("approvals").EnumerateArray().Select(a => a.GetString()), Is.EquivalentTo(new[] { "admin-1", "admin-2" }));
    }

    [Test]
    public void Propose_ByANonAdmin_IsRefusedWithOneLineAndOpensNoProposal()
    {
        var memberKey = Path.Combine(directory, "someone.key.json");
        LedgerCommand.Run(["keygen", "--out", memberKey]);

        var run = LedgerCommand.Run(["governance", "propose", "add-member", "--member", "someone", "--role", "rights_holder", "--public-key", memberKey, "--key", PlatformKeyPath, "-o", "json", .. ConnectionArguments()]);

        // The door refuses a signer without the admin role before anything reaches the log.
        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Ok), run.ToString());
        Assert.That(run.Out, Does.Not.Contain("proposalId"), run.ToString());
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace: " + run);
    }

    [Test]
    public void Vote_WithoutAChoiceOrWithBoth_IsAUsageErrorAndSubmitsNothing()
    {
        var neither = LedgerCommand.Run(["governance", "vote", new string('a', 64), "--key", adminKeyPath, .. ConnectionArguments()]);
        var both = LedgerCommand.Run(["governance", "vote", new string('a', 64), "--approve", "--reject", "--key", adminKeyPath, .. ConnectionArguments()]);

        Assert.That(neither.ExitCode, Is.EqualTo(ExitCodes.Usage), neither.ToString());
        Assert.That(both.ExitCode, Is.EqualTo(ExitCodes.Usage), both.ToString());
    }

    [Test]
    public void ProposeAddMember_KeyFileWithoutAPublicKey_IsAUsageError()
    {
        var broken = Path.Combine(directory, "broken.json");
        File.WriteAllText(broken, "{\"suite\":\"p256-sha256\"}");

        var run = LedgerCommand.Run(["governance", "propose", "add-member", "--member", "x", "--role", "auditor", "--public-key", broken, "--key", adminKeyPath, .. ConnectionArguments()]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("public_key"));
    }
}
