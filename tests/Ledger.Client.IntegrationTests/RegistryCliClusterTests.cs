using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// The commands issue #19 added, against a real three-node cluster (the fixture waits until every node
/// knows the leader): transfer, license grant/show/revoke, claim file/show, claims by status and work,
/// evidence preserve/show, works by owner, members and nodes at a height, key, and audit --data-dir on a
/// running node's data directory as the node prints it.
/// </summary>
public sealed class RegistryCliClusterTests : ClusterFixture
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-registry-cli-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void DefaultEndpoint_IsTheDevNodesPrintedPublicAddress()
    {
        Assert.That(new Ledger.Node.Configuration.NodeOptions().PublicUrl, Is.EqualTo(ClientFactory.DefaultEndpoint));
    }

    [Test]
    public void LicenseGrantShowRevoke_AndTransferToAnExternalHolder()
    {
        var workId = RegisterWork("licensed");

        var grant = Cli("license", "grant", "--work", workId, "--licensee-member", "court-1", "--scope", "print reproduction", "--territory", "EU", "--start", "2026-01-01", "--end", "2027-01-01T00:00:00Z", "--key", PlatformKeyPath);
        var licenseId = grant.Json().GetProperty("licenseId").GetString()!;
        var shown = Cli("license", "show", licenseId);
        var revoke = Cli("license", "revoke", "--license", licenseId, "--reason", "unpaid", "--key", PlatformKeyPath);
        var revoked = Cli("license", "show", licenseId);
        var transfer = Cli("transfer", "--work", workId, "--to-external", "isni:0000000121032683", "--external-name", "A. Painter", "--key", PlatformKeyPath);
        var work = Cli("work", workId);
        var owned = Cli("works", "--external-owner", "isni:0000000121032683");

        Assert.Multiple(() =>
        {
            Assert.That(grant.ExitCode, Is.EqualTo(ExitCodes.Ok), grant.ToString());
            Assert.That(grant.Json().GetProperty("result").GetString(), Is.EqualTo("Ok"));
            Assert.That(shown.Json().GetProperty("scope").GetString(), Is.EqualTo("print reproduction"));
            Assert.That(shown.Json().GetProperty("endUnixMs").GetString(), Is.EqualTo("1798761600000"));
            Assert.That(revoke.ExitCode, Is.EqualTo(ExitCodes.Ok), revoke.ToString());
            Assert.That(revoked.Json().GetProperty("revoked").GetBoolean(), Is.True);
            Assert.That(revoked.Json().GetProperty("revocationReason").GetString(), Is.EqualTo("unpaid"));
            Assert.That(transfer.ExitCode, Is.EqualTo(ExitCodes.Ok), transfer.ToString());
            Assert.That(work.Json().GetProperty("holder").GetString(), Does.StartWith("external:isni:0000000121032683"));
            Assert.That(owned.Json().GetProperty("works").EnumerateArray().Select(w => w.GetProperty("workId").GetString()), Does.Contain(workId));
        });
    }

    [Test]
    public void ClaimFileShowList_AndEvidencePreserveShow()
    {
        var workId = RegisterWork("claimed");
        var copy = Path.Combine(directory, "copy.jpg");
        File.WriteAllText(copy, "an infringing copy " + Guid.NewGuid());
        var material = Path.Combine(directory, "screenshot.png");
        File.WriteAllText(material, "a screenshot " + Guid.NewGuid());

        var filed = Cli("claim", "file", "--work", workId, "--infringing-item", "listing-7", "--infringing-file", copy, "--key", PlatformKeyPath);
        var claimId = filed.Json().GetProperty("txHash").GetString()!;
        var shown = Cli("claim", "show", claimId);
        var byStatus = Cli("claims", "--status", "filed", "--limit", "1000");
        var byWork = Cli("claims", "--work", workId);
        var preserved = Cli("evidence", "preserve", "--material", material, "--claim", claimId, "--method", "screenshot", "--captured-at", "2026-12-01T10:00:00Z", "--description", "listing page", "--key", PlatformKeyPath);
        var evidenceId = preserved.Json().GetProperty("evidenceId").GetString()!;
        var evidence = Cli("evidence", "show", evidenceId);

        Assert.Multiple(() =>
        {
            Assert.That(filed.ExitCode, Is.EqualTo(ExitCodes.Ok), filed.ToString());
            Assert.That(shown.Json().GetProperty("status").GetString(), Is.EqualTo("CLAIM_STATUS_FILED"));
            Assert.That(ClaimIds(byStatus), Does.Contain(claimId));
            Assert.That(ClaimIds(byWork), Is.EqualTo(new[] { claimId }));
            Assert.That(preserved.ExitCode, Is.EqualTo(ExitCodes.Ok), preserved.ToString());
            Assert.That(evidence.Json().GetProperty("method").GetString(), Is.EqualTo("CAPTURE_METHOD_SCREENSHOT"));
            Assert.That(evidence.Json().GetProperty("preserverMemberId").GetString(), Is.EqualTo("platform-1"));
        });
    }

    [Test]
    public void WorksByOwner_MembersAndNodesAtAHeight_AndKey()
    {
        var workId = RegisterWork("owned");

        var works = Cli("works", "--owner", "platform-1", "--limit", "100000");
        var members = Cli("members", "--height", "0");
        var nodes = Cli("nodes", "--height", "0");
        var allNodes = Cli("nodes");
        var keyId = Convert.ToHexStringLower(Cluster.Consortium.Platform.KeyId.Bytes);
        var key = Cli("key", keyId);
        var text = LedgerCommand.Run(["members", .. ConnectionArguments()]);

        Assert.Multiple(() =>
        {
            Assert.That(works.Json().GetProperty("works").EnumerateArray().Select(w => w.GetProperty("workId").GetString()), Does.Contain(workId));
            Assert.That(members.Json().GetProperty("members").EnumerateArray().Select(m => m.GetProperty("memberId").GetString()), Does.Contain("platform-1").And.Contain("court-1"));
            Assert.That(nodes.Json().GetProperty("nodes").GetArrayLength(), Is.EqualTo(3));
            Assert.That(allNodes.Json().GetProperty("nodes").GetArrayLength(), Is.EqualTo(3));
            Assert.That(key.Json().GetProperty("memberId").GetString(), Is.EqualTo("platform-1"));
            Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.Ok), text.ToString());
            Assert.That(text.Out, Does.Contain("platform-1").And.Contain("court-1").And.Contain("member(s) at height"));
        });
    }

    [Test]
    public void ClaimFile_WithoutInfringingFile_IsRefusedLocallyAndNothingIsCommitted()
    {
        var workId = RegisterWork("not claimed");

        var refused = Cli("claim", "file", "--work", workId, "--infringing-item", "listing-8", "--key", PlatformKeyPath);
        var claims = Cli("claims", "--work", workId);

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Usage), refused.ToString());
        Assert.That(refused.Error, Does.Contain("--infringing-file"));
        Assert.That(ClaimIds(claims), Is.Empty);
    }

    [Test]
    public void AuditDataDir_RunningNodesDataDirectoryAsPrinted_PassesReadOnly()
    {
        RegisterWork("audited from disk");
        var data = Cluster.Consortium.Nodes[0].DataDirectory;

        var audit = LedgerCommand.Run(["audit", "--genesis-file", Cluster.Consortium.GenesisPath, "--data-dir", data, "-o", "json"]);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.Ok), audit.ToString());
        Assert.That(audit.Json().GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(audit.Json().GetProperty("verifiedHeight").GetUInt64(), Is.GreaterThanOrEqualTo(1UL));
    }

    private static string[] ClaimIds(CliRun run)
    {
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString());
        return [.. run.Json().GetProperty("claims").EnumerateArray().Select(c => Convert.ToHexStringLower(Convert.FromBase64String(c.GetProperty("claimId").GetString()!)))];
    }

    private string RegisterWork(string title)
    {
        var file = Path.Combine(directory, $"{title.Replace(' ', '-')}.txt");
        File.WriteAllText(file, $"{title} {Guid.NewGuid()}");
        Cli("register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "--title", title);
        var found = Cli("find", file);
        return found.Json().GetProperty("workId").GetString()!;
    }

    /// <summary>Runs the command with JSON output against the cluster (endpoints and genesis given).</summary>
    private CliRun Cli(params string[] args)
    {
        var run = LedgerCommand.Run([.. args, "-o", "json", .. ConnectionArguments()]);
        if (run.ExitCode != ExitCodes.Ok && args[0] != "claim")
        {
            Assert.Fail($"ledger {string.Join(' ', args)} failed: {run}");
        }

        return run;
    }
}
