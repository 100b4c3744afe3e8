using System.Security.Cryptography;
using System.Text;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Web;

namespace Ledger.Client.Tests.Web;

/// <summary>
/// <c>ledger evidence verify FILE.html</c>: a self-verifying HTML file is checked like its bundle, and
/// the CLI says whether the page around the bundle is the one this version writes — a page whose code
/// was swapped (to show VALID whatever the bundle says) is called out, never trusted.
/// </summary>
public sealed class VerifySelfVerifyingHtmlTests
{
    private static string GenesisHex => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("genesis.json"))));

    [Test]
    public void Verify_GenuinePageOfAValidBundle_IsValidAndSaysThePageIsThisVersions()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("valid.html"), SelfVerifyingHtml.Build(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("valid.json")), GenesisHex));

        var run = CliRunner.Run("evidence", "verify", directory.File("valid.html"), "--genesis", SelfVerifyingHtmlTests.Sample("genesis.json"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        Assert.That(run.Out, Does.Contain("its page is byte for byte the one this version writes"));
        Assert.That(run.Out, Does.Contain("RESULT: VALID"));
        Assert.That(run.Error, Does.Not.Contain("warning"));
    }

    [Test]
    public void Verify_PageWhoseCodeWasChanged_GivesTheBundlesVerdictAndWarnsAboutThePage()
    {
        using var directory = new TempDirectory();
        var html = Encoding.UTF8.GetString(SelfVerifyingHtml.Build(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("tampered.json")), GenesisHex));
        var forged = html.Replace("</body>", "<!-- a different verifier could sit here --></body>", StringComparison.Ordinal);
        Assert.That(forged, Is.Not.EqualTo(html), "the forgery must change the page");
        File.WriteAllText(directory.File("forged.html"), forged);

        var run = CliRunner.Run("evidence", "verify", directory.File("forged.html"), "--genesis", SelfVerifyingHtmlTests.Sample("genesis.json"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), "the embedded bundle is tampered: INVALID whatever the page says");
        Assert.That(run.Out, Does.Contain("WARNING: its page is NOT the one this version writes"));
        Assert.That(run.Error, Does.Contain("warning: this HTML file's page is not the one"));
    }

    [Test]
    public void Verify_GenuinePageWithoutTrustedGenesis_IsNotAnchored_TheNamedFingerprintIsNotAnAnchor()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("valid.html"), SelfVerifyingHtml.Build(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("valid.json")), GenesisHex));

        var run = CliRunner.Run("evidence", "verify", directory.File("valid.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NotAnchored), run.Error);
    }

    [Test]
    public void Verify_HtmlWithoutAnEmbeddedBundle_IsMalformed()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("page.html"), "<!DOCTYPE html><html><body>not evidence</body></html>");

        var run = CliRunner.Run("evidence", "verify", directory.File("page.html"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.Error);
        Assert.That(run.Error, Does.Contain("without an embedded evidence bundle"));
    }

    [Test]
    public void TryRead_WhatBuildWrote_GivesBackTheBundleAndFingerprintAndIsGenuine()
    {
        var bundle = File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("rejected.json"));

        Assert.That(SelfVerifyingHtml.TryRead(SelfVerifyingHtml.Build(bundle, GenesisHex), out var contents), Is.True);

        Assert.That(contents.Bundle, Is.EqualTo(bundle));
        Assert.That(contents.NamedGenesisSha256Hex, Is.EqualTo(GenesisHex));
        Assert.That(contents.IsGenuinePage, Is.True);
    }

    /// <summary>
    /// TryRead is a parser of files from outside: seeded byte mutations (flip, insert, delete,
    /// truncate) of a real page never make it throw, and it calls a page genuine only when it is
    /// byte for byte the page Build writes.
    /// </summary>
    [Test]
    public void TryRead_MutatedPages_NeverThrow_AndAreGenuineOnlyWhenUnchanged()
    {
        var original = SelfVerifyingHtml.Build(File.ReadAllBytes(SelfVerifyingHtmlTests.Sample("valid.json")), GenesisHex);
        var random = new Random(17);
        for (var i = 0; i < 300; i++)
        {
            var mutated = new List<byte>(original);
            var at = random.Next(mutated.Count);
            switch (i % 4)
            {
                case 0: mutated[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: mutated.Insert(at, (byte)random.Next(256)); break;
                case 2: mutated.RemoveAt(at); break;
                default: mutated.RemoveRange(at, mutated.Count - at); break;
            }

            var bytes = mutated.ToArray();
            var read = SelfVerifyingHtml.TryRead(bytes, out var contents);

            Assert.That(!read || contents.IsGenuinePage == bytes.AsSpan().SequenceEqual(original), $"mutation {i} at byte {at}");
        }
    }
}
