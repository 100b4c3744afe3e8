using System.Text;
using Ledger.Client.Tests.Web;
using Ledger.Core.Evidence;

namespace Ledger.Client.Tests.Evidence;

/// <summary>
/// Bugs the differential fuzzer (tests/Ledger.Fuzz evidence-diff) found in the C# reader and report:
/// hostile bundles get a bounded answer (malformed, or a report printed in words), never an escaping
/// exception, and never bytes that no hash covers.
/// </summary>
public sealed class HostileBundleRegressionTests
{
    private static string ValidText => File.ReadAllText(SelfVerifyingHtmlTests.Sample("valid.json"));

    [Test]
    public void Parse_StringThatIsNotUtf8_IsMalformedNotAnInvalidOperation()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidText);
        var at = ValidText.IndexOf("ledger-evidence-bundle", StringComparison.Ordinal);
        bytes[at] = 0xFF;

        Assert.Throws<EvidenceFormatException>(() => EvidenceBundleJson.Parse(bytes));
    }

    [Test]
    public void Parse_LoneSurrogateEscape_IsMalformedNotAnInvalidOperation()
    {
        var text = ValidText.Replace("\"ledger-evidence-bundle\"", "\"\\ud800\"", StringComparison.Ordinal);

        Assert.Throws<EvidenceFormatException>(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public void Parse_SignedTransactionWithAnUnknownField_IsMalformed_NoBytesOutsideTheHash()
    {
        var bundle = EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(ValidText));
        var original = Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(bundle.Transaction));
        byte[] unknownField99 = [0x98, 0x06, 0x01]; // tag (99 << 3 | varint), value 1
        var extended = Convert.ToBase64String([.. Convert.FromBase64String(original), .. unknownField99]);
        Assert.That(ValidText, Does.Contain(original));

        var exception = Assert.Throws<EvidenceFormatException>(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(ValidText.Replace(original, extended, StringComparison.Ordinal))));

        Assert.That(exception!.Message, Does.Contain("not the canonical encoding of a SignedTransaction"));
    }

    [Test]
    public void FormatUtc_TimeOutsideThePrintableYears_IsSaidInWordsNotThrown()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EvidenceReport.FormatUtc(0), Is.EqualTo("1970-01-01 00:00:00.000 UTC"));
            Assert.That(EvidenceReport.FormatUtc(EvidenceReport.UnixMillisecondsMax), Is.EqualTo("9999-12-31 23:59:59.999 UTC"));
            Assert.That(EvidenceReport.FormatUtc(long.MaxValue), Does.Contain("outside the years 0001-9999"));
            Assert.That(EvidenceReport.FormatUtc(long.MinValue), Does.Contain("outside the years 0001-9999"));
            Assert.That(EvidenceReport.FormatUtcSeconds(ulong.MaxValue), Does.Contain("outside the years 0001-9999"));
            Assert.That(EvidenceReport.FormatUtcSeconds(1), Is.EqualTo("1970-01-01 00:00:01.000 UTC"));
        });
    }
}
