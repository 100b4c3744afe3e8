using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Content;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// The README's first steps on a three-node sm2-sm3 consortium (SM2 member and node keys, SM3
/// chain hash; TLS stays on ECDSA P-256 certificates): register and find by either content hash,
/// batch-register and an item's evidence, a registration's evidence exported and verified offline,
/// audit, a governance key rotation, and transfers, licences, claims and judgments (issue 20).
/// </summary>
public sealed class SmConsortiumClusterTests : ClusterFixture
{
    private string directory = null!;
    private string adminKeyPath = null!;

    protected override string Suite => CryptoSuites.Sm2Sm3Name;

    [SetUp]
    public void CreateDirectory()
    {
        directory = Directory.CreateTempSubdirectory("ledger-sm-cluster-").FullName;
        adminKeyPath = Path.Combine(directory, "admin-1.key.json");
        File.WriteAllText(adminKeyPath, KeyFile.Export(Cluster.Consortium.Admin));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Register_OnSmConsortium_SendsSha256AndSm3_IsAcceptedAndFoundByEither()
    {
        var file = Path.Combine(directory, "photo.png");
        LedgerCommand.WritePng(file, 33);

        var registered = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var receipt = registered.Json()[0];
        var sha256 = receipt.GetProperty("contentSha256").GetString()!;
        var sm3 = receipt.GetProperty("contentSm3").GetString()!;
        var byFile = LedgerCommand.Run(["find", file, "-o", "json", .. ConnectionArguments()]);
        var bySha256 = LedgerCommand.Run(["find", "--sha256", sha256, "-o", "json", .. ConnectionArguments()]);
        var bySm3 = LedgerCommand.Run(["find", "--sm3", sm3, "-o", "json", .. ConnectionArguments()]);

        Assert.That(registered.ExitCode, Is.EqualTo(ExitCodes.Ok), registered.ToString());
        Assert.That(receipt.GetProperty("result").GetString(), Is.EqualTo("Ok"), registered.ToString());
        Assert.That(sm3, Is.EqualTo(Convert.ToHexStringLower(ContentHashes.Compute(File.ReadAllBytes(file)).Sm3.Span)));
        Assert.That(byFile.ExitCode, Is.EqualTo(ExitCodes.Ok), byFile.ToString());
        Assert.That(bySha256.ExitCode, Is.EqualTo(ExitCodes.Ok), bySha256.ToString());
        Assert.That(bySm3.ExitCode, Is.EqualTo(ExitCodes.Ok), bySm3.ToString());
        var workId = byFile.Json().GetProperty("workId").GetString();
        Assert.That(bySha256.Json().GetProperty("workId").GetString(), Is.EqualTo(workId));
        Assert.That(bySm3.Json().GetProperty("workId").GetString(), Is.EqualTo(workId));
        Assert.That(bySm3.Json().GetProperty("contentSm3").GetString(), Is.EqualTo(sm3));
    }

    [Test]
    public async Task RegisterWork_OnSmConsortiumWithoutSm3_IsRefusedAtTheDoor_MissingField()
    {
        await using var client = NewClient();

        var refused = Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.SubmitAsync(Platform().RegisterWork(Work("sha256 only"))));

        Assert.That(refused!.StatusCode, Is.EqualTo(Grpc.Core.StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.Contain("content_hash.sm3 is required"));
    }

    [Test]
    public void EvidenceExportThenVerify_SmRegistration_IsValidOfflineAndNamesTheSuiteAndBothHashes()
    {
        var file = Path.Combine(directory, "evidence.png");
        LedgerCommand.WritePng(file, 90);
        var registered = LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);
        var txHash = registered.Json()[0].GetProperty("txHash").GetString()!;
        var bundle = Path.Combine(directory, "bundle.json");

        var export = ExportWhenCertified(["evidence", "export", "--tx", txHash, "--out", bundle, .. ConnectionArguments()]);
        var verified = LedgerCommand.Run(["evidence", "verify", bundle, "--content", file, "--genesis", Cluster.Consortium.GenesisPath, "-o", "json"]);
        var other = Path.Combine(directory, "other.png");
        LedgerCommand.WritePng(other, 91);
        var wrongContent = LedgerCommand.Run(["evidence", "verify", bundle, "--content", other, "--genesis", Cluster.Consortium.GenesisPath]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString());
        Assert.That(verified.ExitCode, Is.EqualTo(ExitCodes.Ok), verified.ToString());
        var report = verified.Json();
        Assert.That(report.GetProperty("verdict").GetString(), Is.EqualTo("valid"), verified.Out);
        Assert.That(report.GetProperty("suite").GetString(), Is.EqualTo("sm2-sm3"));
        var contentCheck = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString()!.StartsWith("content", StringComparison.Ordinal));
        Assert.That(contentCheck.GetProperty("detail").GetString(), Does.Contain("and sm3 match"));
        Assert.That(wrongContent.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), wrongContent.ToString());
    }

    [Test]
    public void BatchRegister_OnSmConsortium_ItemsCarrySm3_AreFoundBySm3AndAnItemsEvidenceVerifiesOffline()
    {
        var manifest = Path.Combine(directory, "items.csv");
        var contents = Enumerable.Range(0, 25).Select(i => Encoding.UTF8.GetBytes($"sm item {i} {Guid.NewGuid()}")).ToList();
        var hashes = contents.Select(c => ContentHashes.Compute(c)).ToList();
        File.WriteAllLines(manifest, ["item_id,content_sha256,content_sm3", .. hashes.Select((h, i) => $"sm-item-{i},{Convert.ToHexStringLower(h.Sha256.Span)},{Convert.ToHexStringLower(h.Sm3.Span)}")]);
        var content3 = Path.Combine(directory, "item-3.bin");
        File.WriteAllBytes(content3, contents[3]);
        var manifestDir = Path.Combine(directory, "batches");

        var run = LedgerCommand.Run(["batch-register", manifest, "--key", PlatformKeyPath, "--holder", "platform-1", "--batch-size", "10", "--manifest-dir", manifestDir, "-o", "json", .. ConnectionArguments()]);
        var firstManifest = Directory.GetFiles(manifestDir, "batch-*.jsonl").Order(StringComparer.Ordinal).First();
        var header = System.Text.Json.JsonDocument.Parse(File.ReadLines(firstManifest).First()).RootElement;
        var manifestItem3 = System.Text.Json.JsonDocument.Parse(File.ReadLines(firstManifest).ElementAt(4)).RootElement;
        var txHash = header.GetProperty("TxHash").GetString()!;
        var bundle = Path.Combine(directory, "item.json");
        var export = ExportWhenCertified(["evidence", "export", "--tx", txHash, "--manifest", firstManifest, "--item", "3", "--out", bundle, .. ConnectionArguments()]);
        var verified = LedgerCommand.Run(["evidence", "verify", bundle, "--content", content3, "--genesis", Cluster.Consortium.GenesisPath, "-o", "json"]);
        var bySm3 = LedgerCommand.Run(["find", "--sm3", Convert.ToHexStringLower(hashes[3].Sm3.Span), "-o", "json", .. ConnectionArguments()]);
        var bySha256 = LedgerCommand.Run(["find", "--sha256", Convert.ToHexStringLower(hashes[3].Sha256.Span), "-o", "json", .. ConnectionArguments()]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString());
        Assert.That(run.Json().GetProperty("items").GetInt64(), Is.EqualTo(25));
        Assert.That(header.GetProperty("TreeHash").GetString(), Is.EqualTo("sm3"), "the batch tree follows the suite");
        Assert.That(manifestItem3.GetProperty("ContentSm3").GetString(), Is.EqualTo(Convert.ToHexStringLower(hashes[3].Sm3.Span)), "the batch manifest names each item's SM3");
        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString());
        Assert.That(verified.ExitCode, Is.EqualTo(ExitCodes.Ok), verified.ToString());
        Assert.That(verified.Json().GetProperty("batchItemIndex").GetInt64(), Is.EqualTo(3));
        var contentCheck = verified.Json().GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString()!.StartsWith("content", StringComparison.Ordinal));
        Assert.That(contentCheck.GetProperty("detail").GetString(), Does.Contain("and sm3 match"), verified.Out);
        Assert.That(bySm3.ExitCode, Is.EqualTo(ExitCodes.Ok), bySm3.ToString());
        Assert.That(bySm3.Json().GetProperty("workId").GetString(), Is.EqualTo(txHash + "00000003"));
        Assert.That(bySm3.Json().GetProperty("itemId").GetString(), Is.EqualTo("sm-item-3"));
        Assert.That(bySha256.Json().GetProperty("workId").GetString(), Is.EqualTo(txHash + "00000003"));
    }

    [Test]
    public void BatchRegister_DirectoryOnSmConsortium_HashesEachFileWithSm3_FoundByTheFile()
    {
        var items = Path.Combine(directory, "files");
        Directory.CreateDirectory(items);
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllText(Path.Combine(items, $"file-{i}.txt"), $"directory item {i} {Guid.NewGuid()}");
        }

        var run = LedgerCommand.Run(["batch-register", items, "--key", PlatformKeyPath, "--holder", "platform-1", "--manifest-dir", Path.Combine(directory, "dir-batches"), "-o", "json", .. ConnectionArguments()]);
        var sm3 = Convert.ToHexStringLower(ContentHashes.ComputeFile(Path.Combine(items, "file-1.txt")).Sm3.Span);
        var bySm3 = LedgerCommand.Run(["find", "--sm3", sm3, "-o", "json", .. ConnectionArguments()]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString());
        Assert.That(bySm3.ExitCode, Is.EqualTo(ExitCodes.Ok), bySm3.ToString());
        Assert.That(bySm3.Json().GetProperty("itemId").GetString(), Is.EqualTo("file-1.txt"));
    }

    [Test]
    public void BatchRegister_CsvWithoutSm3OnSmConsortium_IsRefusedBeforeSigning_NamingTheLine()
    {
        var manifest = Path.Combine(directory, "sha256-only.csv");
        File.WriteAllLines(manifest, [$"only-sha256,{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())))}"]);

        var run = LedgerCommand.Run(["batch-register", manifest, "--key", PlatformKeyPath, "--holder", "platform-1", "--manifest-dir", Path.Combine(directory, "refused"), .. ConnectionArguments()]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.ToString());
        Assert.That(run.Error, Does.Contain("sha256-only.csv:1").And.Contain("content_sm3"));
        Assert.That(Directory.GetFiles(Path.Combine(directory, "refused"), "batch-*.jsonl"), Is.Empty, "nothing was signed");
    }

    [Test]
    public void Audit_SmChain_VerifiesEveryBlockAndNamesTheSuite()
    {
        var file = Path.Combine(directory, "audited.txt");
        File.WriteAllText(file, "audited on sm2-sm3 " + Guid.NewGuid());
        LedgerCommand.Run(["register", file, "--key", PlatformKeyPath, "--holder", "platform-1", .. ConnectionArguments()]);

        var audit = LedgerCommand.Run(["audit", "-o", "json", .. ConnectionArguments()]);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.Ok), audit.ToString());
        var summary = audit.Json();
        Assert.That(summary.GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(summary.GetProperty("suite").GetString(), Is.EqualTo("sm2-sm3"));
        Assert.That(summary.GetProperty("chainHash").GetString(), Is.EqualTo("sm3"));
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.GreaterThanOrEqualTo(1UL));
    }

    [Test]
    public void GovernanceRotateKey_NewSm2KeyForThePlatform_SignsRegistrationsAfterwards()
    {
        var newKeyPath = Path.Combine(directory, "platform-1.new.key.json");
        var keygen = LedgerCommand.Run(["keygen", "--suite", "sm2-sm3", "--out", newKeyPath]);

        var rotate = LedgerCommand.Run(["governance", "propose", "rotate-key", "--member", "platform-1", "--public-key", newKeyPath, "--key", adminKeyPath, "-o", "json", .. ConnectionArguments()]);
        var file = Path.Combine(directory, "after-rotation.txt");
        File.WriteAllText(file, "signed with the rotated key " + Guid.NewGuid());
        var registered = LedgerCommand.Run(["register", file, "--key", newKeyPath, "--holder", "platform-1", "-o", "json", .. ConnectionArguments()]);

        Assert.That(keygen.ExitCode, Is.EqualTo(ExitCodes.Ok), keygen.ToString());
        Assert.That(rotate.ExitCode, Is.EqualTo(ExitCodes.Ok), rotate.ToString());
        Assert.That(registered.ExitCode, Is.EqualTo(ExitCodes.Ok), registered.ToString());
        Assert.That(registered.Json()[0].GetProperty("result").GetString(), Is.EqualTo("Ok"));
    }

    [Test]
    public async Task LicenceClaimJudgmentTransfer_OnAnSmWork_AreAllAccepted()
    {
        await using var client = NewClient();
        var content = Encoding.UTF8.GetBytes("sm work for the domain paths " + Guid.NewGuid());
        var work = Work("domain paths");
        work.ContentHash = ContentHashes.Compute(content);
        var registered = await client.SubmitAsync(Platform().RegisterWork(work));
        var workId = ByteString.CopyFrom(registered.TxHash.Concat(new byte[4]).ToArray());
        var court = new Ledger.Client.Signing.TransactionBuilder(Cluster.Consortium.Court, Cluster.Consortium.ChainId);

        var licence = await client.SubmitAsync(Platform().Build(TransactionType.GrantLicense, new GrantLicense
        {
            WorkId = workId,
            Licensee = new RightsHolder { External = new ExternalHolder { Identifier = "licensee-1", Name = "Licensee" } },
            Scope = "display",
            Territory = "CN",
        }));
        var claim = await client.SubmitAsync(Platform().Build(TransactionType.FileClaim, new FileClaim
        {
            WorkId = workId,
            InfringingItemId = "listing-9",
            InfringingContentSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes("the copy"))),
            EvidenceHashes = { ByteString.CopyFrom(SHA256.HashData(content)) },
        }));
        var judgment = await client.SubmitAsync(court.Build(TransactionType.RecordJudgment, new RecordJudgment
        {
            ClaimId = claim.TxHash,
            Ruling = Ruling.InfringementFound,
            JudgmentDocumentHash = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes("judgment"))),
            CaseNumber = "(2026) Zhe 0192 Min Chu 1",
        }));
        var transfer = await client.SubmitAsync(Platform().Build(TransactionType.TransferOwnership, new TransferOwnership
        {
            WorkId = workId,
            NewHolder = new RightsHolder { External = new ExternalHolder { Identifier = "buyer-1", Name = "Buyer" } },
        }));

        Assert.That(registered.Result?.Code, Is.EqualTo(ResultCode.Ok), registered.Result?.Reason);
        Assert.That(licence.Result?.Code, Is.EqualTo(ResultCode.Ok), licence.Result?.Reason);
        Assert.That(claim.Result?.Code, Is.EqualTo(ResultCode.Ok), claim.Result?.Reason);
        Assert.That(judgment.Result?.Code, Is.EqualTo(ResultCode.Ok), judgment.Result?.Reason);
        Assert.That(transfer.Result?.Code, Is.EqualTo(ResultCode.Ok), transfer.Result?.Reason);
        Assert.That(transfer.IsVerified, Is.True, "an SM receipt verifies against a quorum-certified header");
    }

    /// <summary>The block is certified one attestation round after the commit: retry while the export says not found.</summary>
    private static CliRun ExportWhenCertified(string[] arguments)
    {
        var export = LedgerCommand.Run(arguments);
        for (var attempt = 0; export.ExitCode == ExitCodes.NotFound && attempt < 100; attempt++)
        {
            Thread.Sleep(100);
            export = LedgerCommand.Run(arguments);
        }

        return export;
    }
}
