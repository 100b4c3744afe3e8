using System.Security.Cryptography;
using System.Text;
using Ledger.Node.Web;

namespace Ledger.Node.Tests.Web;

public sealed class StaticWebFilesTests
{
    private const string ImportMap = """{ "imports": { "#ledger/": "/verifier/", "#vendor/": "/vendor/" } }""";

    private static readonly string IndexHtml = $"""
        <!doctype html><html><head>
        <script type="importmap">{ImportMap}</script>
        <script type="module" src="/explorer/main.js"></script>
        </head><body></body></html>
        """;

    private static StaticWebFiles Files() => new(new Dictionary<string, byte[]>
    {
        ["explorer/index.html"] = Encoding.UTF8.GetBytes(IndexHtml),
        ["explorer/main.js"] = "export {};"u8.ToArray(),
        ["verifier/index.js"] = "export {};"u8.ToArray(),
        ["vendor/noble-curves.js"] = "export {};"u8.ToArray(),
        ["verify.html"] = "<!doctype html>"u8.ToArray(),
        ["verify/page.css"] = "body{}"u8.ToArray(),
        ["package.json"] = "{}"u8.ToArray(),
        ["other/secret.txt"] = "no"u8.ToArray(),
    });

    [Test]
    public void RequestPaths_ServedFoldersAndFiles_AreExactlyTheExpectedOnes()
    {
        Assert.That(Files().RequestPaths, Is.EqualTo(new[]
        {
            "/", "/explorer/index.html", "/explorer/main.js", "/vendor/noble-curves.js", "/verifier/index.js", "/verify.html", "/verify/page.css",
        }));
    }

    [TestCase("/package.json")]
    [TestCase("/other/secret.txt")]
    [TestCase("/explorer/")]
    [TestCase("/explorer")]
    [TestCase("/explorer/../package.json")]
    [TestCase("/EXPLORER/index.html")]
    [TestCase("explorer/index.html")]
    public void TryGet_PathNotInTheTable_IsNotServed(string path)
    {
        Assert.That(Files().TryGet(path, out _), Is.False);
    }

    [Test]
    public void TryGet_Root_IsTheExplorerIndex()
    {
        var files = Files();

        Assert.That(files.TryGet("/", out var root), Is.True);
        Assert.That(root.AssetPath, Is.EqualTo("explorer/index.html"));
        Assert.That(root.ContentType, Is.EqualTo("text/html; charset=utf-8"));
    }

    [Test]
    public void ContentSecurityPolicy_HtmlWithAnImportMap_AllowsExactlyThatImportMapByItsHash()
    {
        Files().TryGet("/", out var index);
        var expectedHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ImportMap)));

        Assert.That(index.ContentSecurityPolicy, Does.Contain($"script-src 'self' 'sha256-{expectedHash}'"));
        Assert.That(index.ContentSecurityPolicy, Does.Contain("default-src 'self'").And.Contain("img-src 'self' blob: data:"));
        Assert.That(index.ContentSecurityPolicy, Does.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval"));
    }

    [Test]
    public void ImportMapHashes_AnyOtherInlineScript_IsNotHashed()
    {
        var hashes = ContentSecurityPolicy.ImportMapHashes("""<script>alert(1)</script><script type="module">x()</script><SCRIPT TYPE='importmap'>{}</SCRIPT>""");

        Assert.That(hashes, Is.EqualTo(new[] { Convert.ToBase64String(SHA256.HashData("{}"u8)) }));
    }

    [Test]
    public void ETag_DiffersWithTheContent()
    {
        var one = StaticWebFile.Create("explorer/a.js", "1"u8.ToArray());
        var two = StaticWebFile.Create("explorer/a.js", "2"u8.ToArray());

        Assert.That(one.ETag, Is.Not.EqualTo(two.ETag));
        Assert.That(one.ETag, Does.StartWith("\"").And.EndWith("\""));
    }
}
