using System.Security.Cryptography;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Evidence;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;
using Ledger.Web;

namespace Ledger.Client.Tests.Web;

/// <summary>
/// <c>ledger evidence html</c> (a bundle file as self-verifying HTML, offline) and
/// <c>ledger evidence export --html</c> (the exported bundle as self-verifying HTML, with or without
/// the JSON bundle next to it).
/// </summary>
public sealed class EvidenceHtmlCliTests
{
    [Test]
    public void Html_ValidSampleWithGenesisFile_WritesThePageNamingThatGenesis()
    {
        using var directory = new TempDirectory();
        var bundle = File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("valid.json"));
        var genesis = File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("genesis.json"));

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("valid.json"), "--genesis", SelfVerifyingHtmlTests.Sample("genesis.json"), "--out", directory.File("valid.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        Assert.That(File.ReadAllBytes(directory.File("valid.html")), Is.EqualTo(SelfVerifyingHtml.Build(bundle, Convert.ToHexStringLower(SHA256.HashData(genesis)))));
        Assert.That(run.Out, Does.Contain("VALID"));
    }

    [Test]
    public void Html_RejectedSampleWithGenesisSha256_WritesThePage()
    {
        using var directory = new TempDirectory();
        var genesisHex = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("genesis.json"))));

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("rejected.json"), "--genesis-sha256", genesisHex, "--out", directory.File("rejected.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        Assert.That(File.ReadAllText(directory.File("rejected.html")), Does.Contain($"data-genesis-sha256=\"{genesisHex}\""));
    }

    [Test]
    public void Html_WithoutTrustedGenesis_WritesAPageNamingNoFingerprint()
    {
        using var directory = new TempDirectory();

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("valid.json"), "--out", directory.File("valid.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        Assert.That(File.ReadAllText(directory.File("valid.html")), Does.Contain("data-genesis-sha256=\"\""));
        Assert.That(run.Out, Does.Contain("NOT ANCHORED"));
    }

    [Test]
    public void Html_InvalidBundle_IsRefusedAndWritesNothing()
    {
        using var directory = new TempDirectory();

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("tampered.json"), "--genesis", SelfVerifyingHtmlTests.Sample("genesis.json"), "--out", directory.File("tampered.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed));
        Assert.That(run.Error, Does.Contain("refusing to write HTML for an INVALID bundle"));
        Assert.That(File.Exists(directory.File("tampered.html")), Is.False);
    }

    [Test]
    public void Html_BundleAgainstAnotherGenesis_IsRefusedAsInvalid()
    {
        using var directory = new TempDirectory();

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("valid.json"), "--genesis-sha256", new string('0', 64), "--out", directory.File("valid.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed));
        Assert.That(File.Exists(directory.File("valid.html")), Is.False);
    }

    [Test]
    public void Html_MalformedBundle_ExitsInvalidInput()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("bundle.json"), "{\"format\":\"not a bundle\"}");

        var run = CliRunner.Run("evidence", "html", directory.File("bundle.json"), "--out", directory.File("bundle.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(run.Error, Does.StartWith("ledger: evidence bundle malformed"));
    }

    [Test]
    public void Html_ExistingOutputWithoutForce_IsRefused()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("valid.html"), "keep me");

        var run = CliRunner.Run("evidence", "html", SelfVerifyingHtmlTests.Sample("valid.json"), "--out", directory.File("valid.html"));

        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllText(directory.File("valid.html")), Is.EqualTo("keep me"));
    }

    [Test]
    public void Export_NeitherOutNorHtml_IsAUsageError()
    {
        var run = CliRunner.Run("evidence", "export", "--tx", new string('a', 64), "--genesis", SelfVerifyingHtmlTests.Sample("genesis.json"), "--endpoint", "http://127.0.0.1:9");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("--out FILE (the bundle), --html FILE (self-verifying HTML), or both"));
    }

    [Test]
    public async Task Export_HtmlOnly_WritesTheSelfVerifyingPageOfTheVerifiedBundleAndNoJson()
    {
        using var directory = new TempDirectory();
        var (txHex, genesisPath, expected) = ArrangeNode(directory);
        await using var server = await FakeLedgerServer.StartAsync(NodeSetAnchorEvidenceTests.GovernedNode(expected));

        var run = await Task.Run(() => CliRunner.Run("evidence", "export", "--tx", txHex, "--genesis", genesisPath, "--endpoint", server.Endpoint.ToString(), "--html", directory.File("bundle.html")));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        Assert.That(Directory.GetFiles(directory.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "genesis.json", "bundle.html" }));
        Assert.That(File.ReadAllBytes(directory.File("bundle.html")), Is.EqualTo(SelfVerifyingHtml.Build(EvidenceBundleJson.Write(expected), GenesisHex(genesisPath))));
    }

    [Test]
    public async Task Export_OutAndHtml_WritesBothFromTheSameBundle()
    {
        using var directory = new TempDirectory();
        var (txHex, genesisPath, expected) = ArrangeNode(directory);
        await using var server = await FakeLedgerServer.StartAsync(NodeSetAnchorEvidenceTests.GovernedNode(expected));

        var run = await Task.Run(() => CliRunner.Run("evidence", "export", "--tx", txHex, "--genesis", genesisPath, "--endpoint", server.Endpoint.ToString(), "--out", directory.File("bundle.json"), "--html", directory.File("bundle.html")));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        var json = File.ReadAllBytes(directory.File("bundle.json"));
        Assert.That(File.ReadAllBytes(directory.File("bundle.html")), Is.EqualTo(SelfVerifyingHtml.Build(json, GenesisHex(genesisPath))));
        Assert.That(run.Out, Does.Contain("self-verifying HTML"));
    }

    /// <summary>The governed test chain's key-rotation bundle, what the fake node serves, and its genesis file.</summary>
    private static (string TxHex, string GenesisPath, EvidenceBundle Expected) ArrangeNode(TempDirectory directory)
    {
        var governed = NodeSetAnchorEvidenceTests.Governed;
        var expected = governed.NewKeyBundle();
        var genesisPath = directory.File("genesis.json");
        File.WriteAllBytes(genesisPath, governed.GenesisBytes);
        return (Convert.ToHexStringLower(expected.TransactionHash), genesisPath, expected);
    }

    private static string GenesisHex(string genesisPath) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(genesisPath)));
}
