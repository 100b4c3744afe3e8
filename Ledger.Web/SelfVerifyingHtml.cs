namespace Ledger.Web;

/// <summary>
/// One HTML file holding an evidence bundle and the whole in-browser verifier (web/verifier and
/// web/vendor inlined), which verifies itself on load from <c>file://</c> with no network
/// (issue #17 item 4). Owner: the "browser" work; see web/README.md for the contract.
/// </summary>
public static class SelfVerifyingHtml
{
    /// <summary>The largest bundle it embeds: the bundle reader's own bound (EvidenceBundleJson.DocumentBytesMax).</summary>
    public const int BundleBytesMax = 16 * 1024 * 1024;

    /// <summary>The page for <paramref name="bundleJson"/> (the bundle's exact bytes), naming the genesis fingerprint it verifies against.</summary>
    public static byte[] Build(ReadOnlySpan<byte> bundleJson, string trustedGenesisSha256Hex)
    {
        throw new NotImplementedException("issue #17: SelfVerifyingHtml.Build is being written (browser work)");
    }
}
