using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Ledger.Web;

/// <summary>
/// web/verify.html with everything it loads inlined, split around the place where the bundle goes:
/// every module of web/verifier, web/vendor and web/verify becomes a <c>data:</c> URL named by an
/// inline import map (Chromium refuses module fetches from <c>file://</c> but runs <c>data:</c>
/// modules), the stylesheet becomes a <c>&lt;style&gt;</c>, and a Content-Security-Policy that
/// allows exactly these (by hash) and no connection at all is added. Built once per process; the
/// same assets always give the same bytes.
/// </summary>
internal sealed partial class InlinedVerifierPage
{
    /// <summary>The specifier prefix of each web/ folder whose modules are inlined (web/README.md, module rules).</summary>
    internal static readonly IReadOnlyList<(string Folder, string Specifier)> ModuleFolders =
    [
        ("verifier/", "#ledger/"),
        ("vendor/", "#vendor/"),
        ("verify/", "#verify/"),
    ];

    internal const string TemplatePath = "verify.html";
    internal const string StylesheetPath = "verify/verify.css";
    internal const string MainModulePath = "verify/main.js";

    /// <summary>Markers in web/verify.html this class replaces; each must occur exactly once.</summary>
    private const string ModeMarker = "<html lang=\"en\" data-mode=\"page\">";
    private const string CspMarker = "<!-- ledger:csp -->";
    private const string StylesheetMarker = "<link rel=\"stylesheet\" href=\"verify/verify.css\">";
    private const string MainModuleMarker = "<script type=\"module\" src=\"verify/main.js\"></script>";
    private const string BundleMarker = "<!-- ledger:embedded-bundle -->";

    private const string DataUrlPrefix = "data:text/javascript;base64,";

    private static readonly Lazy<InlinedVerifierPage> Instance = new(() => Create(WebAssets.Paths, WebAssets.Get));

    private InlinedVerifierPage(string before, string after, IReadOnlyDictionary<string, string> modules, int moduleBytes)
    {
        Before = before;
        After = after;
        Modules = modules;
        ModuleBytes = moduleBytes;
    }

    internal static InlinedVerifierPage Current => Instance.Value;

    /// <summary>The page up to where the embedded bundle element goes.</summary>
    internal string Before { get; }

    /// <summary>The rest of the page.</summary>
    internal string After { get; }

    /// <summary>Specifier ("#ledger/index.js") → web/ path ("verifier/index.js") of every inlined module, ordinal order.</summary>
    internal IReadOnlyDictionary<string, string> Modules { get; }

    /// <summary>The modules' own size, before base64.</summary>
    internal int ModuleBytes { get; }

    /// <summary>What a module's data: URL holds: its bytes plus a sourceURL naming it (so that two identical files stay two modules, and devtools show names).</summary>
    internal static byte[] InlinedModuleBytes(string path, byte[] content) =>
        [.. content, .. Encoding.UTF8.GetBytes($"\n//# sourceURL=ledger-inlined/{path}\n")];

    /// <summary>Builds the page from the web/ files: <paramref name="paths"/> lists them, <paramref name="read"/> reads one.</summary>
    internal static InlinedVerifierPage Create(IEnumerable<string> paths, Func<string, byte[]> read)
    {
        var template = Encoding.UTF8.GetString(read(TemplatePath));
        var modules = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!(path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".mjs", StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var (folder, specifier) in ModuleFolders)
            {
                if (path.StartsWith(folder, StringComparison.Ordinal))
                {
                    modules[specifier + path[folder.Length..]] = path;
                }
            }
        }

        var importMap = new StringBuilder("{\"imports\":{");
        var moduleBytes = 0;
        var first = true;
        foreach (var (specifier, path) in modules)
        {
            if (!SafeSpecifier().IsMatch(specifier))
            {
                throw new InvalidOperationException($"web asset '{path}' has a name the inlined import map cannot carry verbatim");
            }

            var content = read(path);
            moduleBytes += content.Length;
            importMap.Append(first ? "" : ",").Append('"').Append(specifier).Append("\":\"").Append(DataUrl(InlinedModuleBytes(path, content))).Append('"');
            first = false;
        }

        importMap.Append("}}");
        var css = Encoding.UTF8.GetString(read(StylesheetPath));
        if (css.Contains("</", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{StylesheetPath} contains '</', which would end the inlined <style> early");
        }

        // The only scripts: the import map (by hash) and data: modules. No connect-src: the page reaches nothing.
        var csp = $"default-src 'none'; script-src {CspHash(importMap.ToString())} data:; style-src {CspHash(css)}; img-src data:; base-uri 'none'; form-action 'none'";
        var page = ReplaceOnce(template, ModeMarker, "<html lang=\"en\" data-mode=\"self-verifying\">");
        page = ReplaceOnce(page, CspMarker, $"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">");
        var pageMaps = ImportMapElement().Matches(page);
        if (pageMaps.Count != 1)
        {
            throw new InvalidOperationException($"{TemplatePath} must hold exactly one <script type=\"importmap\">");
        }

        page = ReplaceOnce(page, pageMaps[0].Value, $"<script type=\"importmap\">{importMap}</script>");
        page = ReplaceOnce(page, StylesheetMarker, $"<style>{css}</style>");
        page = ReplaceOnce(page, MainModuleMarker, $"<script type=\"module\" src=\"{DataUrl(InlinedModuleBytes(MainModulePath, read(MainModulePath)))}\"></script>");
        var bundleAt = page.IndexOf(BundleMarker, StringComparison.Ordinal);
        _ = ReplaceOnce(page, BundleMarker, "");
        return new InlinedVerifierPage(page[..bundleAt], page[(bundleAt + BundleMarker.Length)..], modules, moduleBytes);
    }

    private static string DataUrl(byte[] module) => DataUrlPrefix + Convert.ToBase64String(module);

    private static string CspHash(string inline) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)))}'";

    private static string ReplaceOnce(string text, string marker, string replacement)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"{TemplatePath} must contain '{marker}' exactly once");
        }

        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + marker.Length));
    }

    [GeneratedRegex("^#[A-Za-z0-9._/-]+$")]
    private static partial Regex SafeSpecifier();

    [GeneratedRegex("<script type=\"importmap\">.*?</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMapElement();
}
