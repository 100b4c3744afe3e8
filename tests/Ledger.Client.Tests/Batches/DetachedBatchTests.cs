using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Client.Batches;
using Ledger.Client.Signing;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;

namespace Ledger.Client.Tests.Batches;

/// <summary>
/// The SDK signs a batch's root and count and carries its items detached: the signed part stays a
/// few hundred bytes at any batch size, the transaction hash leaves the items out, and what it builds
/// passes the registry's own bounds.
/// </summary>
public sealed class DetachedBatchTests
{
    private static readonly KeyPair Signer = CryptoSuites.Get("p256-sha256").GenerateKeyPair();

    [Test]
    public void BatchRegister_SignsRootAndCount_WithTheItemsDetached_AsTheRegistryAccepts()
    {
        var batch = BatchRegistration.Build(Items(50), MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);

        var transaction = new TransactionBuilder(Signer, "test-chain").BatchRegister(batch);

        var body = BatchRegister.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Body);
        Assert.That(body.Items, Is.Empty);
        Assert.That(body.ItemCount, Is.EqualTo(50));
        Assert.That(body.MerkleRoot.ToByteArray(), Is.EqualTo(BatchMerkleRoot.Compute(Sha256HashAlgorithm.Instance, batch.Items.Items)));
        Assert.That(BatchItems.Parser.ParseFrom(transaction.DetachedItems), Is.EqualTo(batch.Items));
        Assert.That(DetachedItemsBounds.Validate(TransactionType.BatchRegister, body, transaction.DetachedItems, CryptoSuites.P256Sha256Name, out _), Is.Null);
        Assert.That(TransactionHashing.IsCanonical(transaction.ToByteArray()), Is.True);
    }

    [Test]
    public void BatchRegister_BodyWithItemsInline_IsRefused()
    {
        var batch = BatchRegistration.Build(Items(2), MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);
        batch.Body.Items.AddRange(batch.Items.Items);

        Assert.That(() => new TransactionBuilder(Signer, "test-chain").BatchRegister(batch), Throws.ArgumentException);
    }

    [TestCase(10_000)]
    [TestCase(100_000)]
    public void BatchRegister_SignedPartWithoutTheItems_IsAFewHundredBytes_AtAnyBatchSize(int itemCount)
    {
        var batch = BatchRegistration.Build(Items(itemCount), MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);
        var transaction = new TransactionBuilder(Signer, "test-chain").BatchRegister(batch);

        var signedPartBytes = TransactionHashing.EncodeLeaf(transaction).Length;

        TestContext.Out.WriteLine($"{itemCount} items: signed transaction without detached items {signedPartBytes} bytes, detached items {transaction.DetachedItems.Length} bytes");
        Assert.That(signedPartBytes, Is.LessThan(512));
        Assert.That(transaction.DetachedItems.Length, Is.GreaterThan(itemCount * 32));
    }

    private static List<BatchItem> Items(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new BatchItem { ItemId = $"sku-{i}", ContentSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes($"item {i}"))) })];
}
