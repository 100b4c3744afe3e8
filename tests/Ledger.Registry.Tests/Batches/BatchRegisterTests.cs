using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

public sealed class BatchRegisterTests
{
    [Test]
    public void BatchRegister_EveryItemIsIndexedLikeASingleRegistration()
    {
        var chain = new TestChain();
        var holder = Sample.External("brand-7");
        var batch = Sample.Batch(holder, [Sample.Item("a", "listing-1"), Sample.Item("b", "listing-2", perceptualHash: 0xABCDEF)]);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(2));
        var second = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("b").Span)!;
        Assert.That(second.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 1)));
        Assert.That(second.ItemId, Is.EqualTo("listing-2"));
        Assert.That(second.ItemIndex, Is.EqualTo(1));
        Assert.That(chain.Queries.GetWorksByOwner(holder, null, 10).Items, Has.Count.EqualTo(2));
        Assert.That(chain.Queries.FindSimilarWorks(0xABCDEF, 0, 10).Matches.Single().WorkId, Is.EqualTo(second.WorkId.ToByteArray()));
    }

    [Test]
    public void BatchRegister_ItemsAlreadyRegisteredOrRepeatedInTheBatch_AreRejectedPerItemWithReference()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("known", Sample.Member(Alice)));
        var priorWorkId = WorkIds.Create(chain.LastTxHash, 0);
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("new", "1"), Sample.Item("known", "2"), Sample.Item("new", "3")]);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.IsOk, Is.True);
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(1));
        Assert.That(outcome.Batch.Rejections.Select(r => r.ItemIndex), Is.EqualTo(new uint[] { 1, 2 }));
        Assert.That(outcome.Batch.Rejections.All(r => r.ReasonCode == nameof(RejectionReason.DuplicateContentHash)), Is.True);
        Assert.That(outcome.Batch.Rejections[0].ReferenceWorkId.ToByteArray(), Is.EqualTo(priorWorkId));
        Assert.That(outcome.Batch.Rejections[1].ReferenceWorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 0)));
        Assert.That(chain.Queries.GetBatchOutcome(chain.LastTxHash)!.Rejections, Has.Count.EqualTo(2));
    }

    [Test]
    public void BatchRegister_DetachedItemsNotUnderTheSignedRoot_AreRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1"), Sample.Item("b", "2")]);
        batch.Items.Items[1].ItemId = "tampered";

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("do not match the signed merkle_root"));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("a").Span), Is.Null, "nothing of a rejected batch is indexed");
    }

    [Test]
    public void BatchRegister_WithNoItems_IsRejected_MissingField()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [])).Reason, Is.EqualTo(RejectionReason.MissingField));
    }

    [Test]
    public void BatchRegister_WithAnItemCountAboveTheItemBound_IsRejected_LimitExceeded()
    {
        var chain = new TestChain();
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1")]);
        batch.Body.ItemCount = RegistryLimits.BatchItemsMax + 1;

        Assert.That(chain.Apply(Platform, TransactionType.BatchRegister, batch).Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void BatchRegister_ItemIdLongerThanBound_IsRejected_LimitExceeded()
    {
        var chain = new TestChain();
        var items = new BatchItems { Items = { new BatchItem { ContentSha256 = Sample.Hash("a"), ItemId = new string('x', RegistryLimits.ItemIdBytesMax + 1) } } };
        var body = new BatchRegister { MediaType = MediaType.ProductListing, RightsHolder = Sample.External("brand"), MerkleRoot = Sample.Hash("root"), ItemCount = 1 };

        Assert.That(chain.Apply(Platform, TransactionType.BatchRegister, new TestBatch(body, items)).Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void BatchBounds_FitTheWorstCaseBatchAtTheItemBound()
    {
        var worstItem = new BatchItem { ContentSha256 = Sample.Hash("x"), ItemId = new string('x', RegistryLimits.ItemIdBytesMax), PerceptualHash = ulong.MaxValue };
        var body = new BatchRegister
        {
            MediaType = MediaType.ProductListing,
            RightsHolder = Sample.External(new string('i', RegistryLimits.ExternalHolderIdentifierBytesMax), new string('n', RegistryLimits.ExternalHolderNameBytesMax)),
            MerkleRoot = Sample.Hash("root"),
            ItemCount = RegistryLimits.BatchItemsMax,
        };
        var items = new BatchItems();
        items.Items.AddRange(Enumerable.Repeat(worstItem, RegistryLimits.BatchItemsMax));

        Assert.That(body.CalculateSize(), Is.LessThanOrEqualTo(RegistryLimits.TransactionBodyBytesMax));
        Assert.That(new BatchItems { Items = { worstItem } }.CalculateSize(), Is.EqualTo(RegistryLimits.BatchItemSerializedBytesMax));
        Assert.That(items.CalculateSize(), Is.LessThanOrEqualTo(RegistryLimits.BatchItemsBytesMax));
    }

    [Test]
    public void BatchRegister_OfManyItems_IndexesTheLastOneAtItsIndex()
    {
        var chain = new TestChain();
        const int count = 5_000;
        var batch = Sample.Batch(Sample.External("brand"), Enumerable.Range(0, count).Select(i => Sample.Item($"item-{i}", $"sku-{i}")));

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(count));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash($"item-{count - 1}").Span)!.ItemIndex, Is.EqualTo(count - 1));
    }

    [Test]
    public void BatchItemEncoding_HasTheDocumentedLayout()
    {
        var item = new BatchItem { ContentSha256 = ByteString.CopyFrom(Enumerable.Repeat((byte)0xAA, 32).ToArray()), ItemId = "ab", PerceptualHash = 0x0102030405060708 };

        var encoded = BatchItemEncoding.Encode(item);

        var expected = new List<byte> { 0x01 };
        expected.AddRange(Enumerable.Repeat((byte)0xAA, 32));
        expected.AddRange([0x00, 0x02, (byte)'a', (byte)'b', 0x01, 1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.That(encoded, Is.EqualTo(expected.ToArray()));
        item.ClearPerceptualHash();
        Assert.That(BatchItemEncoding.Encode(item)[^1], Is.EqualTo(0x00));
    }

    // RFC 6962/9162 Merkle tree hash golden values over the leaves used by transparency-dev/merkle
    // and certificate-transparency: "", 00, 10, 2021, 3031, 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f.
    [TestCase(0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase(1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")]
    [TestCase(2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    [TestCase(3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77")]
    [TestCase(5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4")]
    [TestCase(7, "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c")]
    [TestCase(8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
    public void BatchMerkleRoot_MatchesRfc6962GoldenRoots(int leafCount, string expectedHex)
    {
        string[] leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

        var root = BatchMerkleRoot.ComputeFromLeafData(Sha256HashAlgorithm.Instance, leaves.Take(leafCount).Select(Convert.FromHexString).ToList());

        Assert.That(Convert.ToHexString(root).ToLowerInvariant(), Is.EqualTo(expectedHex));
    }

    [Test]
    public void BatchMerkleRoot_OverItems_EqualsTheTreeOverTheirCanonicalBytes()
    {
        var items = Enumerable.Range(0, 11).Select(i => Sample.Item($"x{i}", $"id{i}", i % 2 == 0 ? (ulong)i : null)).ToList();

        var viaItems = BatchMerkleRoot.Compute(Sha256HashAlgorithm.Instance, items);
        var viaBytes = BatchMerkleRoot.ComputeFromLeafData(Sha256HashAlgorithm.Instance, items.Select(BatchItemEncoding.Encode).ToList());

        Assert.That(viaItems, Is.EqualTo(viaBytes));
    }
}
