using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;

namespace Ledger.Client.IntegrationTests;

/// <summary>The <c>ledger</c> command against a real cluster: register, status, get, find/history, similar, evidence export + verify, audit; JSON output; exit codes by failure class.</summary>
public sealed class LedgerCliClusterTests : ClusterFixture
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-cli-cluster-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void RegisterThenQuery_PngImage_ComputesItsPerceptualHashAndFindsTheWorkAgain()
    {
        var image = Path.Combine(directory, "sunset.png");
        LedgerCommand.WritePng(image, 77);

        var registered = LedgerCommand.Run(["register", image, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var found = LedgerCommand.Run(["find", image, "-o", "json", .. ConnectionArguments()]);
        var workId = found.Json().GetProperty("workId").GetString()!;
        var history = LedgerCommand.Run(["history", workId, "-o", "json", .. ConnectionArguments()]);
        var similar = LedgerCommand.Run(["similar", image, "-o", "json", .. ConnectionArguments()]);

        Assert.That(registered.ExitCode, Is.EqualTo(ExitCodes.Ok), registered.ToString());
        var receipt = registered.Json()[0];
        Assert.That(receipt.GetProperty("result").GetString(), Is.EqualTo("Ok"));
        var phash = receipt.GetProperty("phash").GetString()!;
        Assert.That(phash, Has.Length.EqualTo(16));
        Assert.That(found.ExitCode, Is.EqualTo(ExitCodes.Ok), found.ToString());
        Assert.That(found.Json().GetProperty("phash").GetString(), Is.EqualTo(phash));
        Assert.That(history.ExitCode, Is.EqualTo(ExitCodes.Ok), history.ToString());
        Assert.That(history.Json().GetProperty("events").GetArrayLength(), Is.GreaterThanOrEqualTo(1));
        Assert.That(similar.ExitCode, Is.EqualTo(ExitCodes.Ok), similar.ToString());
        Assert.That(similar.Json().GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("workId").GetString()), Does.Contain(workId));
    }

    [Test]
    public void StatusAndGet_Json_ParseAndDescribeTheChain()
    {
        var file = Path.Combine(directory, "notes.txt");
        File.WriteAllText(file, "a text work " + Guid.NewGuid());
        var registered = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var txHash = registered.Json()[0].GetProperty("txHash").GetString()!;

        var status = LedgerCommand.Run(["status", "-o", "json", .. ConnectionArguments()]);
        var statusText = LedgerCommand.Run(["status", .. ConnectionArguments()]);
        var get = LedgerCommand.Run(["get", txHash, "-o", "json", .. ConnectionArguments()]);

        Assert.That(registered.Json()[0].TryGetProperty("phash", out _), Is.False, "a text file gets no perceptual hash");
        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Ok), status.ToString());
        Assert.That(status.Json().ValueKind, Is.EqualTo(JsonValueKind.Object));
        var genesisSha256 = status.Json().GetProperty("genesisSha256").GetString();
        Assert.That(genesisSha256, Has.Length.EqualTo(64), "the node reports the genesis it is bound to");
        Assert.That(statusText.Out, Does.Contain($"storage format {Ledger.Storage.LedgerDatabase.FormatVersion}, genesis sha256 {genesisSha256}"), "an operator sees the node's version, format and genesis");
        Assert.That(get.ExitCode, Is.EqualTo(ExitCodes.Ok), get.ToString());
        Assert.That(get.Json().GetProperty("txHash").GetString(), Is.EqualTo(txHash));
    }

    [Test]
    public void EvidenceExportThenVerify_RegisteredFile_VerifiesOfflineAndATamperedCopyFails()
    {
        var file = Path.Combine(directory, "photo.png");
        LedgerCommand.WritePng(file, 140);
        var registered = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var txHash = registered.Json()[0].GetProperty("txHash").GetString()!;
        var bundle = Path.Combine(directory, "bundle.json");

        // The block is certified one attestation round after the commit.
        var export = LedgerCommand.Run(["evidence", "export", "--tx", txHash, "--out", bundle, .. ConnectionArguments()]);
        for (var attempt = 0; export.ExitCode == ExitCodes.NotFound && attempt < 100; attempt++)
        {
            Thread.Sleep(100);
            export = LedgerCommand.Run(["evidence", "export", "--tx", txHash, "--out", bundle, .. ConnectionArguments()]);
        }

        var verified = LedgerCommand.Run(["evidence", "verify", bundle, "--content", file, "--genesis", Cluster.Consortium.GenesisPath, "-o", "json"]);
        var other = Path.Combine(directory, "other.png");
        LedgerCommand.WritePng(other, 141);
        var wrongContent = LedgerCommand.Run(["evidence", "verify", bundle, "--content", other]);
        var tampered = Path.Combine(directory, "tampered.json");
        File.WriteAllText(tampered, File.ReadAllText(bundle).Replace(txHash, txHash[..^1] + (txHash[^1] == '0' ? '1' : '0'), StringComparison.Ordinal));
        var tamperedRun = LedgerCommand.Run(["evidence", "verify", tampered]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString());
        Assert.That(verified.ExitCode, Is.EqualTo(ExitCodes.Ok), verified.ToString());
        Assert.That(verified.Json().ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(wrongContent.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), wrongContent.ToString());
        Assert.That(tamperedRun.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), tamperedRun.ToString());
    }

    [Test]
    public void Audit_Endpoint_VerifiesTheWholeChainAndItsCertifiedHeaders()
    {
        var file = Path.Combine(directory, "audited.txt");
        File.WriteAllText(file, "audited " + Guid.NewGuid());
        LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", .. ConnectionArguments()]);

        var audit = LedgerCommand.Run(["audit", "-o", "json", .. ConnectionArguments()]);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.Ok), audit.ToString());
        var summary = audit.Json();
        Assert.That(summary.GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.GreaterThanOrEqualTo(1UL));
        Assert.That(summary.GetProperty("certifiedBlocks").GetUInt64(), Is.GreaterThanOrEqualTo(1UL));
    }

    [Test]
    public void ExitCodes_ByFailureClass()
    {
        var unknown = LedgerCommand.Run(["get", new string('0', 64), .. ConnectionArguments()]);
        var unreachable = LedgerCommand.Run(["status", "--endpoint", "http://127.0.0.1:1"]);
        var usage = LedgerCommand.Run(["register", "missing-key-option.png", .. ConnectionArguments()]);
        var missingFile = LedgerCommand.Run(["evidence", "verify", Path.Combine(directory, "no-such-bundle.json")]);

        Assert.That(unknown.ExitCode, Is.EqualTo(ExitCodes.NotFound), unknown.ToString());
        Assert.That(unreachable.ExitCode, Is.EqualTo(ExitCodes.Unavailable), unreachable.ToString());
        Assert.That(usage.ExitCode, Is.EqualTo(ExitCodes.Usage), usage.ToString());
        Assert.That(missingFile.ExitCode, Is.EqualTo(ExitCodes.NotFound), missingFile.ToString());
        Assert.That(unknown.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
    }
}
