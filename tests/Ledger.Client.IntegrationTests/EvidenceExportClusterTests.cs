using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// Issue 15, points 1 and 2, as a user meets them: on a real cluster, the evidence of a registration
/// the ledger refused as a duplicate — a whole RegisterWork, or one item of a batch — exports, carries
/// the earlier registration, and verifies offline as REJECTED (exit 7), never VALID.
/// </summary>
public sealed class EvidenceExportClusterTests : ClusterFixture
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-evidence-cluster-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void ExportThenVerify_DuplicateRegistration_IsRejectedWithTheEarlierRegistrationProven()
    {
        var file = Path.Combine(directory, "photo.png");
        LedgerCommand.WritePng(file, 201);
        var first = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var second = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var firstTx = first.Json()[0].GetProperty("txHash").GetString()!;
        var rejectedTx = second.Json()[0].GetProperty("txHash").GetString()!;
        var bundle = Path.Combine(directory, "rejected.json");

        var export = ExportWhenCertified(["--tx", rejectedTx, "--out", bundle]);
        var verified = LedgerCommand.Run(["evidence", "verify", bundle, "--genesis", Cluster.Consortium.GenesisPath]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString());
        Assert.That(verified.ExitCode, Is.EqualTo(ExitCodes.Rejected), verified.ToString());
        Assert.That(verified.Out, Does.Contain("RESULT: REJECTED — the ledger refused this registration: the same content was registered earlier by member 'platform-1' in block "));
        Assert.That(verified.Out, Does.Contain($"(tx {firstTx}); both are proven below."));
        Assert.That(verified.Out, Does.Not.Contain("VALID —"));
    }

    [Test]
    public void ExportThenVerify_BatchItemDuplicatingAnEarlierWork_IsRejectedNotValid()
    {
        // The repro: item-0 carries the content of a work registered before.
        var file = Path.Combine(directory, "photo.png");
        LedgerCommand.WritePng(file, 202);
        var registered = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var workTx = registered.Json()[0].GetProperty("txHash").GetString()!;
        var csv = Path.Combine(directory, "items.csv");
        var duplicate = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        File.WriteAllLines(csv, [$"item-0,{duplicate}", $"item-1,{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}"]);
        var batch = LedgerCommand.Run(["batch-register", csv, "--key", PlatformKeyPath, "--holder", "platform-1", "--manifest-dir", Path.Combine(directory, "batches"), .. ConnectionArguments()]);
        var manifest = Path.Combine(directory, "batches", "batch-000000.jsonl");
        var batchTx = JsonDocument.Parse(File.ReadLines(manifest).First()).RootElement.GetProperty("TxHash").GetString()!;
        var rejectedBundle = Path.Combine(directory, "item0.json");
        var acceptedBundle = Path.Combine(directory, "item1.json");

        var exportRejected = ExportWhenCertified(["--tx", batchTx, "--item", "0", "--out", rejectedBundle]);
        var exportAccepted = ExportWhenCertified(["--tx", batchTx, "--item", "1", "--manifest", manifest, "--out", acceptedBundle]);
        var rejected = LedgerCommand.Run(["evidence", "verify", rejectedBundle, "--content", file, "--genesis", Cluster.Consortium.GenesisPath, "-o", "json"]);
        var accepted = LedgerCommand.Run(["evidence", "verify", acceptedBundle, "--genesis", Cluster.Consortium.GenesisPath]);

        Assert.That(batch.ExitCode, Is.EqualTo(ExitCodes.Ok), batch.ToString());
        Assert.That(exportRejected.ExitCode, Is.EqualTo(ExitCodes.Ok), exportRejected.ToString());
        Assert.That(rejected.ExitCode, Is.EqualTo(ExitCodes.Rejected), rejected.ToString());
        Assert.That(rejected.Json().GetProperty("verdict").GetString(), Is.EqualTo("rejected"));
        Assert.That(rejected.Json().GetProperty("prior").GetProperty("txHash").GetString(), Is.EqualTo(workTx));
        var checkpoint = rejected.Json().GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Ledger.Core.Evidence.EvidenceVerifier.CheckCheckpoint);
        Assert.That(checkpoint.GetProperty("status").GetString(), Is.EqualTo("passed"), checkpoint.ToString());
        Assert.That(new FileInfo(rejectedBundle).Length, Is.LessThan(16 * 1024));
        Assert.That(exportAccepted.ExitCode, Is.EqualTo(ExitCodes.Ok), exportAccepted.ToString());
        Assert.That(accepted.ExitCode, Is.EqualTo(ExitCodes.Ok), accepted.ToString());
        Assert.That(accepted.Out, Does.Contain("RESULT: VALID — every check passed: the ledger accepted this batch item (#1)."));
    }

    /// <summary>A block is certified one attestation round after its commit: retry "not found (yet)".</summary>
    private CliRun ExportWhenCertified(string[] arguments)
    {
        var export = LedgerCommand.Run(["evidence", "export", .. arguments, "--force", .. ConnectionArguments()]);
        for (var attempt = 0; export.ExitCode == ExitCodes.NotFound && attempt < 100; attempt++)
        {
            Thread.Sleep(100);
            export = LedgerCommand.Run(["evidence", "export", .. arguments, "--force", .. ConnectionArguments()]);
        }

        return export;
    }
}
