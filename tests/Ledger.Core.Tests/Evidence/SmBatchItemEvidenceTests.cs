using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Tests.Web;

namespace Ledger.Core.Tests.Evidence;

/// <summary>
/// A batch item's SM3 in an evidence bundle (issue 20): written as the optional contentSm3 only for an
/// item that carries one (other bundles are byte-for-byte as before), read back, part of the item's
/// leaf, and compared with the content file like every hash the registration names. The same cases run
/// in the browser verifier (web/verifier/test/sm3-batch-items.test.js).
/// </summary>
public sealed class SmBatchItemEvidenceTests
{
    private static readonly byte[] Sm3 = Enumerable.Repeat((byte)0xBB, 32).ToArray();

    private static byte[] SampleBytes() => File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "docs", "samples", "valid-item.json"));

    private static EvidenceBundle WithItemSm3(bool withoutSha256 = false)
    {
        var json = JsonNode.Parse(SampleBytes())!;
        json["batchItem"]!["contentSm3"] = Convert.ToHexStringLower(Sm3);
        if (withoutSha256)
        {
            json["batchItem"]!["contentSha256"] = "";
        }

        return EvidenceBundleJson.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    private static EvidenceCheck Check(EvidenceBundle bundle, ContentDigest content, string name) =>
        EvidenceVerifier.Verify(bundle, new EvidenceVerificationOptions { Content = content }).Checks.Single(c => c.Name == name);

    [Test]
    public void Write_ItemWithoutSm3_HasNoContentSm3Member_ItemWithItRoundTrips()
    {
        var sample = EvidenceBundleJson.Parse(SampleBytes());
        var withSm3 = WithItemSm3();

        var written = System.Text.Encoding.UTF8.GetString(EvidenceBundleJson.Write(sample));
        var reread = EvidenceBundleJson.Parse(EvidenceBundleJson.Write(withSm3));

        Assert.That(written, Does.Not.Contain("contentSm3"));
        Assert.That(reread.BatchItem!.Item.ContentSm3, Is.EqualTo(ByteString.CopyFrom(Sm3)));
        Assert.That(reread.BatchItem.Item, Is.EqualTo(withSm3.BatchItem!.Item));
    }

    [Test]
    public void Parse_ContentSm3OfWrongLength_IsAFormatError()
    {
        var json = JsonNode.Parse(SampleBytes())!;
        json["batchItem"]!["contentSm3"] = new string('b', 62);

        Assert.That(() => EvidenceBundleJson.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())), Throws.InstanceOf<EvidenceFormatException>()
            .With.Message.Contains("bundle.batchItem.contentSm3 must be 64 hex digits"));
    }

    [Test]
    public void Verify_ItemSm3NotSigned_FailsTheItemProof()
    {
        var check = Check(WithItemSm3(), new ContentDigest(new byte[32], Sm3), "batch item inclusion");

        Assert.That(check.Status, Is.EqualTo(EvidenceCheckStatus.Failed), "the signed item carried no SM3: naming one changes its leaf");
    }

    [Test]
    public void Verify_ItemWithBothHashes_ContentMustMatchBoth()
    {
        var bundle = WithItemSm3();
        var sha256 = bundle.BatchItem!.Item.ContentSha256.ToByteArray();

        var both = Check(bundle, new ContentDigest(sha256, Sm3), "content file matches registered hash");
        var wrongSm3 = Check(bundle, new ContentDigest(sha256, new byte[32]), "content file matches registered hash");

        Assert.That(both.Status, Is.EqualTo(EvidenceCheckStatus.Passed), both.Detail);
        Assert.That(both.Detail, Is.EqualTo($"sha256 {Convert.ToHexStringLower(sha256)} and sm3 match"));
        Assert.That(wrongSm3.Status, Is.EqualTo(EvidenceCheckStatus.Failed));
        Assert.That(wrongSm3.Detail, Does.StartWith("file sm3 "));
    }

    [Test]
    public void Verify_ItemWithSm3Only_ContentComparedBySm3()
    {
        var check = Check(WithItemSm3(withoutSha256: true), new ContentDigest(new byte[32], Sm3), "content file matches registered hash");

        Assert.That(check.Status, Is.EqualTo(EvidenceCheckStatus.Passed), check.Detail);
        Assert.That(check.Detail, Is.EqualTo($"sm3 {Convert.ToHexStringLower(Sm3)} match"));
    }
}
