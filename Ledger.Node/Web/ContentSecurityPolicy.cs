using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Ledger.Node.Web;

/// <summary>
/// The Content-Security-Policy headers of the web listener. Pages run only the project's own scripts
/// (<c>'self'</c>) plus, per HTML file, the exact inline <c>&lt;script type="importmap"&gt;</c> blocks
/// it contains, allowed by their SHA-256 computed from the served bytes (so an edited page can never
/// fall out of step with its policy, and no other inline script runs: no <c>'unsafe-inline'</c>).
/// Images may also come from <c>blob:</c> and <c>data:</c> (a dropped image is previewed from memory).
/// </summary>
public static partial class ContentSecurityPolicy
{
    /// <summary>Everything the pages need and nothing else; connect-src 'self' lets the explorer fetch /v1 of its own origin only.</summary>
    public const string PageBase =
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>JSON answers are data, never a document: nothing may load or run in them.</summary>
    public const string Json = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>The policy of an HTML file: <see cref="PageBase"/> with a script-src naming its inline import maps by hash.</summary>
    public static string ForHtml(ReadOnlySpan<byte> html)
    {
        var hashes = ImportMapHashes(Encoding.UTF8.GetString(html));
        var scripts = new StringBuilder("script-src 'self'");
        foreach (var hash in hashes)
        {
            scripts.Append(" 'sha256-").Append(hash).Append('\'');
        }

        return $"{PageBase}; {scripts}";
    }

    /// <summary>Base64 SHA-256 of the text of each inline <c>&lt;script type="importmap"&gt;</c>, in document order (the CSP hash source form).</summary>
    public static IReadOnlyList<string> ImportMapHashes(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var hashes = new List<string>();
        foreach (Match match in InlineImportMap().Matches(html))
        {
            hashes.Add(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(match.Groups["body"].Value))));
        }

        return hashes;
    }

    // An opening tag whose type attribute is importmap (quoted or not), its text, and the closing tag.
    [GeneratedRegex("""<script\b[^>]*\btype\s*=\s*["']?importmap["']?[^>]*>(?<body>.*?)</script\s*>""", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex InlineImportMap();
}
