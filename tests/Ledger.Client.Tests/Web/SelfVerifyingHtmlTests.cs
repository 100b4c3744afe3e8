using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Core.Evidence;
using Ledger.Web;

namespace Ledger.Client.Tests.Web;

/// <summary>
/// The self-verifying HTML (issue #17 item 4) as bytes: deterministic, carrying the bundle's exact
/// bytes and the fingerprint it names, every module its import map names inlined byte for byte,
/// nothing loaded from elsewhere, bounded. That it verifies itself in Chromium from file:// with the
/// network cut is tests/Ledger.Browser.Tests' part.
/// </summary>
public sealed partial class SelfVerifyingHtmlTests
{
    private static readonly string Repository = FindRepository();

    private static readonly string GenesisSha256Hex = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Sample("genesis.json"))));

    private static byte[] ValidBundle => File.ReadAllBytes(Sample("valid.json"));

    [Test]
    public void Build_SameInputTwice_GivesIdenticalBytes()
    {
        var first = SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex);
        var second = SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex);

        Assert.That(second, Is.EqualTo(first));
        TestContext.Out.WriteLine($"self-verifying HTML of docs/samples/valid.json ({ValidBundle.Length} bytes): {first.Length} bytes");
    }

    [Test]
    public void Build_Sample_EmbedsTheBundleBytesAndTheFingerprintLowercase()
    {
        var html = Html(SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex.ToUpperInvariant()));

        var element = EmbeddedBundle().Match(html);

        Assert.That(element.Success, Is.True, "the embedded bundle element is missing");
        Assert.That(Convert.FromBase64String(element.Groups["bundle"].Value), Is.EqualTo(ValidBundle));
        Assert.That(element.Groups["genesis"].Value, Is.EqualTo(GenesisSha256Hex));
    }

    [Test]
    public void Build_NoFingerprint_NamesNone()
    {
        var html = Html(SelfVerifyingHtml.Build(ValidBundle, trustedGenesisSha256Hex: null));

        Assert.That(EmbeddedBundle().Match(html).Groups["genesis"].Value, Is.Empty);
    }

    [Test]
    public void Build_ImportMap_NamesEveryModuleOfTheVerifierVendorAndPageWithItsExactBytes()
    {
        var map = ImportMap(Html(SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex)));
        var expected = WebAssets.Paths
            .Where(p => p.EndsWith(".js", StringComparison.Ordinal) && (p.StartsWith("verifier/", StringComparison.Ordinal) || p.StartsWith("vendor/", StringComparison.Ordinal) || p.StartsWith("verify/", StringComparison.Ordinal)))
            .ToList();

        Assert.That(map.Keys, Does.Contain("#ledger/index.js").And.Contain("#verify/main.js"));
        Assert.That(map, Has.Count.EqualTo(expected.Count));
        foreach (var path in expected)
        {
            var specifier = path.StartsWith("verifier/", StringComparison.Ordinal) ? "#ledger/" + path["verifier/".Length..] : "#" + path;
            Assert.That(map.TryGetValue(specifier, out var url), Is.True, $"{specifier} is not in the import map");
            Assert.That(DataUrlBytes(url!), Is.EqualTo(InlinedVerifierPage.InlinedModuleBytes(path, WebAssets.Get(path))), $"{specifier} is not the embedded {path}");
        }
    }

    [Test]
    public void Build_EveryModuleImport_IsABareSpecifierTheImportMapNames()
    {
        // A relative import ("./x.js") cannot resolve from a data: URL; an unmapped one would be fetched.
        var map = ImportMap(Html(SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex)));
        var entryImports = ModuleImport().Matches(Encoding.UTF8.GetString(DataUrlBytes(map["#ledger/index.js"])));
        Assert.That(entryImports, Is.Not.Empty, "the import scanner finds nothing: this test would prove nothing");

        foreach (var (specifier, url) in map)
        {
            var source = Encoding.UTF8.GetString(DataUrlBytes(url));
            foreach (Match import in ModuleImport().Matches(source))
            {
                Assert.That(map.Keys, Does.Contain(import.Groups["specifier"].Value), $"{specifier} imports '{import.Groups["specifier"].Value}', which the import map does not name");
            }
        }
    }

    [Test]
    public void Build_Page_LoadsNothingFromElsewhereAndHasNoInlineHandlers()
    {
        var html = Html(SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex));

        Assert.That(Regex.Matches(html, "(?:src|href)=\"(?!data:)[^\"]*\""), Is.Empty, "only data: URLs may be loaded");
        Assert.That(html, Does.Not.Contain("<link "));
        Assert.That(Regex.IsMatch(html, "<[^>]+\\son[a-z]+=", RegexOptions.IgnoreCase), Is.False, "inline event handlers");
    }

    [Test]
    public void Build_ContentSecurityPolicy_AllowsTheImportMapAndStyleByHashAndNoConnection()
    {
        var html = Html(SelfVerifyingHtml.Build(ValidBundle, GenesisSha256Hex));
        var csp = Regex.Match(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"(?<csp>[^\"]+)\">").Groups["csp"].Value;
        var importMap = Regex.Match(html, "<script type=\"importmap\">(?<map>.*?)</script>", RegexOptions.Singleline).Groups["map"].Value;
        var style = Regex.Match(html, "<style>(?<css>.*?)</style>", RegexOptions.Singleline).Groups["css"].Value;

        Assert.That(csp, Does.StartWith("default-src 'none';"));
        Assert.That(csp, Does.Contain($"script-src {CspHash(importMap)} data:;"));
        Assert.That(csp, Does.Contain($"style-src {CspHash(style)};"));
        Assert.That(csp, Does.Not.Contain("unsafe").And.Not.Contain("connect-src"));
    }

    [Test]
    public void Build_BundleOverTheBound_IsRefused()
    {
        var tooLarge = new byte[SelfVerifyingHtml.BundleBytesMax + 1];

        Assert.That(() => SelfVerifyingHtml.Build(tooLarge, GenesisSha256Hex), Throws.ArgumentException.With.Message.Contains($"at most {SelfVerifyingHtml.BundleBytesMax}"));
    }

    [Test]
    public void Build_BundleAtTheBound_IsEmbedded()
    {
        var atBound = new byte[SelfVerifyingHtml.BundleBytesMax];

        Assert.That(SelfVerifyingHtml.Build(atBound, GenesisSha256Hex).Length, Is.GreaterThan(SelfVerifyingHtml.BundleBytesMax));
    }

    [TestCase("")]
    [TestCase("e0a0514f")]
    [TestCase("g0a0514fe5e86bedc7a92c985c72d91ccdada90cd56c751f7bf2c4f0894681f5")]
    public void Build_FingerprintNot64HexDigits_IsRefused(string fingerprint)
    {
        Assert.That(() => SelfVerifyingHtml.Build(ValidBundle, fingerprint), Throws.ArgumentException.With.Message.Contains("64 hex digits"));
    }

    [Test]
    public void Build_EmptyBundle_IsRefused()
    {
        Assert.That(() => SelfVerifyingHtml.Build([], GenesisSha256Hex), Throws.ArgumentException.With.Message.Contains("empty"));
    }

    [Test]
    public void BundleBytesMax_IsTheBundleReadersBound()
    {
        Assert.That(SelfVerifyingHtml.BundleBytesMax, Is.EqualTo(EvidenceBundleJson.DocumentBytesMax));
    }

    [Test]
    public void EmbeddedBundleElementId_IsTheOneThePageReads()
    {
        var sources = Encoding.UTF8.GetString(WebAssets.Get("verify/sources.js"));

        Assert.That(sources, Does.Contain($"export const EMBEDDED_BUNDLE_ID = \"{SelfVerifyingHtml.EmbeddedBundleElementId}\";"));
    }

    internal static string Sample(string name) => Path.Combine(Repository, "docs", "samples", name);

    private static string Html(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static Dictionary<string, string> ImportMap(string html)
    {
        var json = Regex.Match(html, "<script type=\"importmap\">(?<map>.*?)</script>", RegexOptions.Singleline).Groups["map"].Value;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("imports").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static byte[] DataUrlBytes(string url)
    {
        const string Prefix = "data:text/javascript;base64,";
        Assert.That(url, Does.StartWith(Prefix));
        return Convert.FromBase64String(url[Prefix.Length..]);
    }

    private static string CspHash(string inline) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)))}'";

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Ledger.sln) not found");
    }

    [GeneratedRegex("<script type=\"application/octet-stream\" id=\"embedded-bundle\" data-genesis-sha256=\"(?<genesis>[0-9a-f]*)\">(?<bundle>[A-Za-z0-9+/=]*)</script>")]
    private static partial Regex EmbeddedBundle();

    /// <summary>Static imports and re-exports (`import x from "s"`, `import "s"`, `export * from "s"`) and dynamic `import("s")`.</summary>
    [GeneratedRegex("(?:\\bimport\\s*\\(\\s*|\\b(?:import|export)\\b[^;'\"]*?\\bfrom\\s*|\\bimport\\s+)['\"](?<specifier>[^'\"]+)['\"]")]
    private static partial Regex ModuleImport();
}
