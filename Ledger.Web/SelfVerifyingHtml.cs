using System.Text;

namespace Ledger.Web;

/// <summary>
/// One HTML file holding an evidence bundle and the whole in-browser verifier (web/verify.html with
/// web/verify, web/verifier and web/vendor inlined, see <see cref="InlinedVerifierPage"/>), which
/// opens from <c>file://</c> with no network, verifies itself on load against the genesis fingerprint
/// it names, lets the reader choose a trusted genesis file to compare, and sets
/// <c>document.title</c> to start with the verdict: VALID, REJECTED, INVALID, NOT ANCHORED (it names
/// no fingerprint) or MALFORMED (issue #17 item 4; docs/evidence-bundle.md, "Self-verifying HTML").
/// The same bundle and fingerprint always give the same bytes.
/// </summary>
public static class SelfVerifyingHtml
{
    /// <summary>The largest bundle it embeds: the bundle reader's own bound (EvidenceBundleJson.DocumentBytesMax).</summary>
    public const int BundleBytesMax = 16 * 1024 * 1024;

    /// <summary>The id of the element holding the bundle (base64) and the fingerprint (<c>data-genesis-sha256</c>); web/verify/sources.js reads it.</summary>
    public const string EmbeddedBundleElementId = "embedded-bundle";

    private const int Sha256HexLength = 64;

    /// <summary>
    /// The page for <paramref name="bundleJson"/> (the bundle's exact bytes), naming the genesis
    /// fingerprint it verifies against on load (64 hex digits), or none (null: the page says NOT
    /// ANCHORED until the reader gives a trusted genesis). Throws <see cref="ArgumentException"/> for an
    /// empty bundle, one over <see cref="BundleBytesMax"/>, or a fingerprint that is not 64 hex digits.
    /// </summary>
    public static byte[] Build(ReadOnlySpan<byte> bundleJson, string? trustedGenesisSha256Hex)
    {
        if (bundleJson.IsEmpty)
        {
            throw new ArgumentException("the bundle is empty", nameof(bundleJson));
        }

        if (bundleJson.Length > BundleBytesMax)
        {
            throw new ArgumentException($"the bundle is {bundleJson.Length} bytes; a self-verifying HTML file embeds at most {BundleBytesMax}", nameof(bundleJson));
        }

        var fingerprint = trustedGenesisSha256Hex is null ? "" : NormalizedSha256Hex(trustedGenesisSha256Hex);
        var page = InlinedVerifierPage.Current;
        var element = $"<script type=\"application/octet-stream\" id=\"{EmbeddedBundleElementId}\" data-genesis-sha256=\"{fingerprint}\">{Convert.ToBase64String(bundleJson)}</script>";
        return Encoding.UTF8.GetBytes(string.Concat(page.Before, element, page.After));
    }

    /// <summary>
    /// The largest self-verifying file read back: the embedded bundle as base64 plus the inlined
    /// verifier (well under 2 MiB today), with room to spare.
    /// </summary>
    public const int DocumentBytesMax = BundleBytesMax / 3 * 4 + 8 * 1024 * 1024;

    /// <summary>
    /// Reads back a file written by <see cref="Build"/>: the embedded bundle, the genesis fingerprint
    /// it names, and whether the whole file is byte for byte what this version writes for them — that
    /// is, whether the code that printed its on-screen verdict is this version's verifier, not code
    /// someone put beside the bundle. False when the file holds no embedded bundle.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> html, out SelfVerifyingHtmlContents contents)
    {
        contents = default!;
        if (html.Length > DocumentBytesMax)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(html);
        var open = $"<script type=\"application/octet-stream\" id=\"{EmbeddedBundleElementId}\" data-genesis-sha256=\"";
        var start = text.IndexOf(open, StringComparison.Ordinal);
        if (start < 0 || text.IndexOf(open, start + open.Length, StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        var fingerprintStart = start + open.Length;
        var fingerprintEnd = text.IndexOf("\">", fingerprintStart, StringComparison.Ordinal);
        var bodyEnd = fingerprintEnd < 0 ? -1 : text.IndexOf("</script>", fingerprintEnd, StringComparison.Ordinal);
        if (bodyEnd < 0)
        {
            return false;
        }

        var fingerprint = text[fingerprintStart..fingerprintEnd];
        byte[] bundle;
        try
        {
            bundle = Convert.FromBase64String(text[(fingerprintEnd + 2)..bodyEnd]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bundle.Length == 0 || bundle.Length > BundleBytesMax || (fingerprint.Length != 0 && (fingerprint.Length != Sha256HexLength || !fingerprint.All(char.IsAsciiHexDigit))))
        {
            return false;
        }

        var genesisHex = fingerprint.Length == 0 ? null : fingerprint;
        var genuine = html.SequenceEqual(Build(bundle, genesisHex));
        contents = new SelfVerifyingHtmlContents(bundle, genesisHex, genuine);
        return true;
    }

    private static string NormalizedSha256Hex(string hex)
    {
        if (hex.Length != Sha256HexLength || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("the trusted genesis fingerprint must be 64 hex digits (a SHA-256)", nameof(hex));
        }

        return hex.ToLowerInvariant();
    }
}

/// <summary>What a self-verifying file carries: the bundle, the genesis fingerprint it names (not a trust anchor by itself), and whether its page is this version's, byte for byte.</summary>
public sealed record SelfVerifyingHtmlContents(byte[] Bundle, string? NamedGenesisSha256Hex, bool IsGenuinePage);
