using System.Collections.Frozen;
using System.Reflection;

namespace Ledger.Web;

/// <summary>
/// The files under <c>web/</c>, embedded in this assembly: what the node serves on its web listener
/// and what <see cref="SelfVerifyingHtml"/> inlines. Paths are relative to <c>web/</c> with forward
/// slashes ("explorer/index.html", "verifier/index.js"). Read once; the set is small (well under 2 MiB).
/// </summary>
public static class WebAssets
{
    private const string Prefix = "web/";

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    /// <summary>Every embedded path, ordinal order.</summary>
    public static IReadOnlyList<string> Paths => [.. Files.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string path, out byte[] content)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Files.Value.TryGetValue(path, out content!);
    }

    /// <summary>The bytes of an embedded file that must exist (a missing one is a build defect, not input).</summary>
    public static byte[] Get(string path) =>
        TryGet(path, out var content) ? content : throw new InvalidOperationException($"web asset '{path}' is not embedded in Ledger.Web");

    /// <summary>Content type by extension, with a charset for text; unknown extensions are octet streams.</summary>
    public static string ContentTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource '{name}' vanished");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[Prefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
