using System.Security.Cryptography;
using Ledger.Web;

namespace Ledger.Core.Tests.Web;

/// <summary>
/// The vendored third-party files the node serves and the self-verifying HTML inlines are exactly the
/// pinned bundles web/vendor/build.sh wrote (web/vendor/SHA256SUMS), and each comes with its licence.
/// </summary>
public sealed class VendorFilesTests
{
    private static IReadOnlyList<(string Sha256, string Path)> Sums() =>
        [.. System.Text.Encoding.UTF8.GetString(WebAssets.Get("vendor/SHA256SUMS"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ", 2))
            .Select(parts => (parts[0], parts[1]))];

    [Test]
    public void EmbeddedVendorFiles_EachScriptAndLicence_MatchesSha256Sums()
    {
        var sums = Sums();
        Assert.That(sums.Select(s => s.Path), Has.Some.EndsWith(".js"));
        foreach (var (sha256, path) in sums)
        {
            var content = WebAssets.Get("vendor/" + path);
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(content)), Is.EqualTo(sha256), $"vendor/{path} differs from SHA256SUMS: rerun web/vendor/build.sh");
        }
    }

    [Test]
    public void EmbeddedVendorScripts_Every_IsListedInSha256Sums()
    {
        var listed = Sums().Select(s => "vendor/" + s.Path).ToHashSet(StringComparer.Ordinal);
        var scripts = WebAssets.Paths.Where(p => p.StartsWith("vendor/", StringComparison.Ordinal) && p.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.That(scripts, Is.Not.Empty);
        Assert.That(scripts, Is.SubsetOf(listed));
    }

    [Test]
    public void EmbeddedVendorPackages_EachPinnedPackage_HasALicence()
    {
        var versions = System.Text.Encoding.UTF8.GetString(WebAssets.Get("vendor/VERSIONS"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .ToList();
        Assert.That(versions, Is.Not.Empty);
        foreach (var fields in versions.Where(f => f[0] != "esbuild"))
        {
            Assert.That(fields, Has.Length.EqualTo(3), string.Join(' ', fields));
            Assert.That(fields[2], Does.StartWith("sha512-"), $"{fields[0]} has no npm integrity");
            var licence = "vendor/LICENSES/" + fields[0].Replace("@", string.Empty, StringComparison.Ordinal).Replace('/', '-') + "-" + fields[1] + ".LICENSE";
            Assert.That(WebAssets.TryGet(licence, out var text), Is.True, $"{licence} is missing");
            Assert.That(text, Is.Not.Empty);
        }
    }

    [Test]
    public void EmbeddedVendorScripts_Every_HasNoImportOfItsOwn()
    {
        foreach (var path in WebAssets.Paths.Where(p => p.StartsWith("vendor/", StringComparison.Ordinal) && p.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(WebAssets.Get(path));
            Assert.That(text, Does.Not.Match(@"(?m)^\s*import[\s{*'""]"), $"{path} imports another module");
        }
    }
}
