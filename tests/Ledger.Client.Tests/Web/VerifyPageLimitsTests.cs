using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Web;

namespace Ledger.Client.Tests.Web;

/// <summary>The verifier page reads the same largest bundle and genesis as the C# readers (web/verify/limits.js).</summary>
public sealed class VerifyPageLimitsTests
{
    [Test]
    public void BundleBytesMax_IsEvidenceBundleJsonDocumentBytesMax()
    {
        Assert.That(LimitOf("BUNDLE_BYTES_MAX"), Is.EqualTo(EvidenceBundleJson.DocumentBytesMax));
    }

    [Test]
    public void GenesisBytesMax_IsConsortiumGenesisDocumentBytesMax()
    {
        Assert.That(LimitOf("GENESIS_BYTES_MAX"), Is.EqualTo(ConsortiumGenesis.DocumentBytesMax));
    }

    /// <summary>Evaluates "export const NAME = a * b * c;" (products of integers, the only form limits.js uses).</summary>
    private static long LimitOf(string name)
    {
        var source = Encoding.UTF8.GetString(WebAssets.Get("verify/limits.js"));
        var match = Regex.Match(source, $"export const {name} = (?<value>[0-9 *]+);");
        Assert.That(match.Success, Is.True, $"{name} is not a product of integers in web/verify/limits.js");
        return match.Groups["value"].Value.Split('*').Aggregate(1L, (product, factor) => product * long.Parse(factor.Trim(), CultureInfo.InvariantCulture));
    }
}
