using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// Batch items follow the suite's content-hash policy as works do (issue 20): sm2-sm3 requires each
/// item's SM3, p256-sha256 its SHA-256, either may carry both; an item is a duplicate when either of
/// its hashes is registered (by a work, an earlier batch or an earlier item of the same batch).
/// Items with SM3 have their own canonical format (2); items without keep format 1 byte for byte.
/// </summary>
public sealed class BatchDualContentHashTests
{
    private const string Sm = "sm2-sm3";

    [Test]
    public void BatchRegister_OnSmSuiteAnItemWithoutSm3_IsRejected_MissingField()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1", sm3Seed: "a-sm3"), Sample.Item("b", "2")]);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MissingField));
        Assert.That(outcome.Detail, Is.EqualTo("items[1].content_sm3 is required under the sm2-sm3 suite"));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("a-sm3").Span), Is.Null, "a rejected batch registers no item");
    }

    [Test]
    public void BatchRegister_OnSmSuiteSm3Only_IsAcceptedAndFoundBySm3WithItsRecord()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item(null, "sku-1", sm3Seed: "a-sm3"), Sample.Item(null, "sku-2", perceptualHash: 9, sm3Seed: "b-sm3")]);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(2));
        var found = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("b-sm3").Span)!;
        Assert.That(found.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 1)));
        Assert.That(found.ItemId, Is.EqualTo("sku-2"));
        Assert.That(found.ContentHash.Sm3, Is.EqualTo(Sample.Hash("b-sm3")));
        Assert.That(found.ContentHash.Sha256.IsEmpty, Is.True);
        Assert.That(found.PerceptualHash, Is.EqualTo(9));
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(chain.LastBlock!.StateRoot));
    }

    [TestCase("p256-sha256")]
    [TestCase(Sm)]
    public void BatchRegister_ItemWithBothHashes_IsFoundByEither(string suite)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "sku-1", sm3Seed: "a-sm3")]));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        var bySha256 = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("a").Span)!;
        var bySm3 = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("a-sm3").Span)!;
        Assert.That(bySm3.WorkId, Is.EqualTo(bySha256.WorkId));
        Assert.That(bySm3.ContentHash, Is.EqualTo(new ContentHash { Sha256 = Sample.Hash("a"), Sm3 = Sample.Hash("a-sm3") }));
    }

    [Test]
    public void BatchRegister_OnP256AnItemWithOnlySm3_IsRejected_InvalidFieldAsBefore()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item(null, "sku-1", sm3Seed: "a-sm3")]));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField));
        Assert.That(outcome.Detail, Is.EqualTo("items[0].content_sha256 must be 32 bytes, was 0"));
    }

    [TestCase("p256-sha256")]
    [TestCase(Sm)]
    public void BatchRegister_Sm3OfWrongLength_IsRejected_InvalidField(string suite)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "sku-1")]);
        batch.Items.Items[0].ContentSm3 = ByteString.CopyFrom(new byte[31]);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField));
        Assert.That(outcome.Detail, Is.EqualTo("items[0].content_sm3 must be 32 bytes, was 31"));
    }

    // Against a registered work carrying SHA-256 "photo" and SM3 "photo-sm3": an item sharing
    // either hash is a duplicate, worded by the hash that matched (SHA-256 first, as before).
    [TestCase("p256-sha256", "photo", "other-sm3", "content already registered as work ")]
    [TestCase("p256-sha256", "other", "photo-sm3", "sm3 content already registered as work ")]
    [TestCase(Sm, "photo", "other-sm3", "content already registered as work ")]
    [TestCase(Sm, "other", "photo-sm3", "sm3 content already registered as work ")]
    [TestCase(Sm, null, "photo-sm3", "sm3 content already registered as work ")]
    public void BatchRegister_ItemSharingEitherHashWithAWork_IsRejectedPerItem(string suite, string? sha256, string sm3, string reasonPrefix)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));
        var work = Sample.Work("first", Sample.External("seller"));
        work.ContentHash = new ContentHash { Sha256 = Sample.Hash("photo"), Sm3 = Sample.Hash("photo-sm3") };
        chain.Apply(Platform, TransactionType.RegisterWork, work);
        var workId = WorkIds.Create(chain.LastTxHash, 0);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item(sha256, "dup", sm3Seed: sm3), Sample.Item("fresh", "new", sm3Seed: "fresh-sm3")]));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(1));
        var rejection = outcome.Batch.Rejections.Single();
        Assert.That(rejection.ItemIndex, Is.EqualTo(0));
        Assert.That(rejection.ReasonCode, Is.EqualTo(nameof(RejectionReason.DuplicateContentHash)));
        Assert.That(rejection.Reason, Is.EqualTo(reasonPrefix + Convert.ToHexString(workId)));
        Assert.That(rejection.ReferenceWorkId.ToByteArray(), Is.EqualTo(workId));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("other").Span), Is.Null, "a rejected item leaves no index entry");
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("other-sm3").Span), Is.Null, "a rejected item leaves no index entry");
    }

    [Test]
    public void BatchRegister_ItemsSharingOnlySm3WithinTheBatch_LaterOneIsRejected()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1", sm3Seed: "same-sm3"), Sample.Item("b", "2", sm3Seed: "same-sm3")]));

        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(1));
        Assert.That(outcome.Batch.Rejections.Single().ReferenceWorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 0)));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("b").Span), Is.Null);
    }

    [Test]
    public void RegisterWork_SharingSm3WithABatchItem_IsRejected_DuplicateContentHash()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item(null, "sku-1", sm3Seed: "a-sm3")]));
        var batchTx = chain.LastTxHash;
        var work = Sample.Work("later", Sample.External("seller"));
        work.ContentHash = new ContentHash { Sha256 = Sample.Hash("unrelated"), Sm3 = Sample.Hash("a-sm3") };

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, work);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(outcome.ReferenceTxHash, Is.EqualTo(batchTx));
    }

    [Test]
    public void BatchItemEncoding_WithSm3_HasTheDocumentedLayoutAndRoundTrips()
    {
        var item = new BatchItem
        {
            ContentSha256 = ByteString.CopyFrom(Enumerable.Repeat((byte)0xAA, 32).ToArray()),
            ContentSm3 = ByteString.CopyFrom(Enumerable.Repeat((byte)0xBB, 32).ToArray()),
            ItemId = "ab",
            PerceptualHash = 0x0102030405060708,
        };

        var encoded = BatchItemEncoding.Encode(item);

        var expected = new List<byte> { 0x02, 0x03 };
        expected.AddRange(Enumerable.Repeat((byte)0xAA, 32));
        expected.AddRange(Enumerable.Repeat((byte)0xBB, 32));
        expected.AddRange([0x00, 0x02, (byte)'a', (byte)'b', 0x01, 1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.That(encoded, Is.EqualTo(expected.ToArray()));
        Assert.That(BatchItemEncoding.Decode(encoded), Is.EqualTo(item));
        Assert.That(BatchItemEncoding.TryReadPerceptualHash(encoded, out var perceptualHash) && perceptualHash == item.PerceptualHash, Is.True);
        Assert.That(BatchItemLeaf.Encode(item), Is.EqualTo(encoded), "Core's independent encoding must stay byte-identical");

        item.ContentSha256 = ByteString.Empty;
        item.ClearPerceptualHash();
        var sm3Only = BatchItemEncoding.Encode(item);
        Assert.That(sm3Only[..2], Is.EqualTo(new byte[] { 0x02, 0x02 }));
        Assert.That(sm3Only, Has.Length.EqualTo(2 + 32 + 2 + 2 + 1));
        Assert.That(BatchItemEncoding.Decode(sm3Only), Is.EqualTo(item));
        Assert.That(BatchItemLeaf.Encode(item), Is.EqualTo(sm3Only));
    }

    [Test]
    public void BatchItemEncoding_WithoutSm3_IsFormat1InBothImplementations()
    {
        var item = Sample.Item("a", "sku-1", perceptualHash: 5);

        var encoded = BatchItemEncoding.Encode(item);

        Assert.That(encoded[0], Is.EqualTo(BatchItemEncoding.FormatVersion));
        Assert.That(encoded, Has.Length.EqualTo(1 + 32 + 2 + 5 + 9));
        Assert.That(BatchItemLeaf.Encode(item), Is.EqualTo(encoded));
        Assert.That(BatchItemEncoding.Decode(encoded), Is.EqualTo(item));
    }

    [TestCase(new byte[] { 0x02, 0x00 })]
    [TestCase(new byte[] { 0x02, 0x01 })]
    [TestCase(new byte[] { 0x02, 0x06 })]
    [TestCase(new byte[] { 0x03, 0x02 })]
    public void BatchItemEncoding_DecodeOfABadHashesByte_IsABrokenInvariant(byte[] prefix)
    {
        var bytes = prefix.Concat(new byte[64]).Concat(new byte[] { 0x00, 0x00, 0x00 }).ToArray();

        Assert.Throws<RegistryInvariantException>(() => BatchItemEncoding.Decode(bytes));
    }
}
