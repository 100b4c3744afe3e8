using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;

namespace Ledger.Client.Tests.Cli;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliCommandTests
{
    [Test]
    public void Keygen_WritesOwnerOnlyKeyFileAndRefusesToOverwrite()
    {
        using var directory = new TempDirectory();
        var path = directory.File("k.json");

        var first = CliRunner.Run("keygen", "--suite", "ed25519", "--out", path);
        var second = CliRunner.Run("keygen", "--out", path);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(KeyFile.Import(File.ReadAllText(path)).Suite.Name, Is.EqualTo("ed25519"));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(second.Error, Does.Contain("--force").And.Not.Contain("   at "));
    }

    [Test]
    public void UnknownOption_IsOneLineUsageErrorWithExitCode2()
    {
        var result = CliRunner.Run("keygen", "--bogus");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void ConsortiumInit_WritesGenesisKeysCertificatesAndNodeFlags()
    {
        using var directory = new TempDirectory();
        var output = directory.File("c");

        var result = CliRunner.Run("consortium", "init", "--nodes", "3", "--members", "platform,court,auditor", "--out", output, "--base-port", "7100", "-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var genesis = ConsortiumGenesis.Parse(File.ReadAllBytes(Path.Combine(output, "genesis.json")));
        Assert.That(genesis.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(genesis.Members.Select(m => m.Role), Is.EqualTo(new[] { "admin", "platform", "court", "auditor" }));
        Assert.That(genesis.Nodes[2].Address, Is.EqualTo("https://127.0.0.1:7105"));
        var nodeKey = KeyFile.Import(File.ReadAllText(Path.Combine(output, "nodes/node-2/node.key.json")));
        Assert.That(nodeKey.Public.Encoded.ToArray(), Is.EqualTo(genesis.Nodes[1].Key.PublicKey));
        Assert.That(File.ReadAllText(Path.Combine(output, "nodes.env")), Does.Contain("--public-url https://127.0.0.1:7104 --peer-url https://127.0.0.1:7105"));
        Assert.That(File.GetUnixFileMode(Path.Combine(output, "nodes/node-1/tls.key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(JsonDocument.Parse(result.Out).RootElement.GetProperty("files").GetArrayLength(), Is.GreaterThan(10));
    }

    [Test]
    public void ConsortiumInit_WithWitnesses_RegistersThemWithEd25519KeysInAP256Consortium()
    {
        using var directory = new TempDirectory();
        var output = directory.File("c");

        var result = CliRunner.Run("consortium", "init", "--nodes", "1", "--members", "platform", "--witnesses", "witness-1,court-witness", "--out", output);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var genesis = ConsortiumGenesis.Parse(File.ReadAllBytes(Path.Combine(output, "genesis.json")));
        var witnesses = genesis.Members.Where(m => m.Role == WitnessRole.Name).ToList();
        var witnessKey = KeyFile.Import(File.ReadAllText(Path.Combine(output, "members/witness-1.key.json")));
        Assert.Multiple(() =>
        {
            Assert.That(genesis.Suite, Is.EqualTo("p256-sha256"));
            Assert.That(witnesses.Select(m => m.Id), Is.EqualTo(new[] { "witness-1", "court-witness" }));
            Assert.That(witnesses.SelectMany(m => m.Keys).Select(k => k.Suite), Is.All.EqualTo("ed25519"));
            Assert.That(witnessKey.Suite.Name, Is.EqualTo("ed25519"));
            Assert.That(witnessKey.Public.Encoded.ToArray(), Is.EqualTo(witnesses[0].Keys[0].PublicKey));
        });
    }

    [Test]
    public void EvidenceVerify_ValidBundleAndMatchingContent_ExitsZeroWithReport()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(chain.WorkBundle()));
        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);
        File.WriteAllBytes(directory.File("photo.jpg"), TestChain.WorkContent);

        var result = CliRunner.Run("evidence", "verify", directory.File("bundle.json"), "--content", directory.File("photo.jpg"), "--genesis", directory.File("genesis.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Out + result.Error);
        Assert.That(result.Out, Does.Contain("RESULT: VALID").And.Contain("member 'platform'").And.Contain("Sunset over the harbour").And.Contain("2025-11-24"));
    }

    [Test]
    public void EvidenceVerify_DifferentContentFile_ExitsOneNamingTheCheck()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(chain.WorkBundle()));
        File.WriteAllText(directory.File("other.jpg"), "not the photograph");

        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);

        var result = CliRunner.Run("evidence", "verify", directory.File("bundle.json"), "--content", directory.File("other.jpg"), "--genesis", directory.File("genesis.json"), "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed));
        var report = JsonDocument.Parse(result.Out).RootElement;
        Assert.That(report.GetProperty("verdict").GetString(), Is.EqualTo("invalid"));
        Assert.That(report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("status").GetString() == "failed").GetProperty("name").GetString(), Is.EqualTo(EvidenceVerifier.CheckContent));
    }

    [Test]
    public void EvidenceVerify_GarbageFile_ExitsSixWithOneLine()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("bundle.json"), "{\"format\":");

        var result = CliRunner.Run("evidence", "verify", directory.File("bundle.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.Error, Does.StartWith("ledger: evidence bundle malformed"));
    }

    [Test]
    public void ReceiptExportThenVerify_FromBundle_RoundTripsAndTamperFails()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(chain.WorkBundle()));
        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);
        File.WriteAllText(directory.File("node.key.json"), KeyFile.Export(chain.NodeKeys[1]));

        var export = CliRunner.Run("receipt", "export", "--bundle", directory.File("bundle.json"), "--genesis", directory.File("genesis.json"), "--format", "cose", "--node-key", directory.File("node.key.json"), "--out", directory.File("r.cose"));
        var verify = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", directory.File("genesis.json"), "--bundle", directory.File("bundle.json"));
        var bytes = File.ReadAllBytes(directory.File("r.cose"));
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(directory.File("r.cose"), bytes);
        var tampered = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", directory.File("genesis.json"), "--bundle", directory.File("bundle.json"));

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.Error);
        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.Ok), verify.Error);
        Assert.That(verify.Out, Does.Contain("node 'node-2'"));
        Assert.That(tampered.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), tampered.Error);
    }
}
