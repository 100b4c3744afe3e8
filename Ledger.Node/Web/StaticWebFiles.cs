using System.Collections.Frozen;
using System.Security.Cryptography;
using Ledger.Web;

namespace Ledger.Node.Web;

/// <summary>
/// The browser files the web listener serves, from the assets embedded in <see cref="WebAssets"/>: an
/// exact-path table built once (no filesystem access, no directory listing, no path arithmetic at
/// request time). Served: <c>/</c> (the explorer's index.html), <c>/verify.html</c>, and every file
/// under <c>/explorer/</c>, <c>/verifier/</c>, <c>/vendor/</c> and <c>/verify/</c>. Anything else is 404.
/// </summary>
public sealed class StaticWebFiles
{
    /// <summary>Folders of web/ served as they are.</summary>
    public static readonly IReadOnlyList<string> ServedFolders = ["explorer/", "verifier/", "vendor/", "verify/"];

    /// <summary>Single files of web/ served at their own path.</summary>
    public static readonly IReadOnlyList<string> ServedFiles = ["verify.html"];

    /// <summary>The asset served at <c>/</c>.</summary>
    public const string IndexAsset = "explorer/index.html";

    private readonly FrozenDictionary<string, StaticWebFile> byRequestPath;

    public StaticWebFiles(IEnumerable<KeyValuePair<string, byte[]>> assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var table = new Dictionary<string, StaticWebFile>(StringComparer.Ordinal);
        foreach (var (path, content) in assets)
        {
            if (!IsServed(path))
            {
                continue;
            }

            var file = StaticWebFile.Create(path, content);
            table["/" + path] = file;
            if (path == IndexAsset)
            {
                table["/"] = file;
            }
        }

        byRequestPath = table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The files embedded in this build.</summary>
    public static StaticWebFiles FromWebAssets() => new(WebAssets.Paths.Select(p => KeyValuePair.Create(p, WebAssets.Get(p))));

    /// <summary>Every request path served, ordinal order.</summary>
    public IReadOnlyList<string> RequestPaths => [.. byRequestPath.Keys.Order(StringComparer.Ordinal)];

    public bool TryGet(string requestPath, out StaticWebFile file) => byRequestPath.TryGetValue(requestPath, out file!);

    private static bool IsServed(string assetPath) =>
        ServedFiles.Contains(assetPath) || ServedFolders.Any(folder => assetPath.StartsWith(folder, StringComparison.Ordinal) && assetPath.Length > folder.Length);
}

/// <summary>One served file: its bytes, content type, strong ETag (from its SHA-256) and Content-Security-Policy.</summary>
public sealed record StaticWebFile(string AssetPath, byte[] Content, string ContentType, string ETag, string ContentSecurityPolicy)
{
    public static StaticWebFile Create(string assetPath, byte[] content)
    {
        var contentType = WebAssets.ContentTypeOf(assetPath);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"";
        var policy = contentType.StartsWith("text/html", StringComparison.Ordinal)
            ? Web.ContentSecurityPolicy.ForHtml(content)
            : Web.ContentSecurityPolicy.PageBase;
        return new StaticWebFile(assetPath, content, contentType, etag, policy);
    }
}
