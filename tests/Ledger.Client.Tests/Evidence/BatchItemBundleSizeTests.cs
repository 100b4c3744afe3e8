using Ledger.Cli.Evidence;
using Ledger.Core.Evidence;

namespace Ledger.Client.Tests.Evidence;

/// <summary>
/// Issue 15, point 8: one item's bundle carries that item and two Merkle paths, not the batch —
/// before format 2 one item of a 10,000-item batch exported as 658 KB.
/// </summary>
public sealed class BatchItemBundleSizeTests
{
    /// <summary>An item bundle stays below this whatever the batch size (measured with the cosigned checkpoint: 6.6 KB at 10,000 items, 6.8 KB at 100,000).</summary>
    public const int ItemBundleBytesMax = 8 * 1024;

    /// <summary>A rejected item's bundle also carries the earlier registration and its certified block (measured 9.6 KB and 10.0 KB).</summary>
    public const int RejectedItemBundleBytesMax = 12 * 1024;

    [TestCase(10_000)]
    [TestCase(100_000)]
    public void Write_OneItemOfALargeBatch_IsSmallAndVerifies(int itemCount)
    {
        var chain = new SampleChain(itemCount);
        var accepted = chain.PlatformItemBundle(itemCount - 1);
        var rejected = chain.PlatformItemBundle(1);

        var acceptedBytes = EvidenceBundleJson.Write(accepted);
        var rejectedBytes = EvidenceBundleJson.Write(rejected);
        TestContext.Out.WriteLine($"batch of {itemCount}: accepted item bundle {acceptedBytes.Length} bytes, rejected item with its prior {rejectedBytes.Length} bytes");

        var options = new EvidenceVerificationOptions { TrustedGenesisSha256 = chain.GenesisSha256 };
        Assert.That(acceptedBytes, Has.Length.LessThan(ItemBundleBytesMax));
        Assert.That(rejectedBytes, Has.Length.LessThan(RejectedItemBundleBytesMax));
        Assert.That(EvidenceVerifier.Verify(EvidenceBundleJson.Parse(acceptedBytes), options).Verdict, Is.EqualTo(EvidenceVerdict.Valid));
        Assert.That(EvidenceVerifier.Verify(EvidenceBundleJson.Parse(rejectedBytes), options).Verdict, Is.EqualTo(EvidenceVerdict.Rejected));
    }
}
