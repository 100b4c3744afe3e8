using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Bounds;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// A BatchRegister's items travel detached (SignedTransaction.detached_items) beside a body that
/// signs their root and count: the rules accept them only when they are exactly what was signed.
/// </summary>
public sealed class DetachedItemsTests
{
    private static TestBatch TwoItems() => Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1"), Sample.Item("b", "2")]);

    [Test]
    public void BatchRegister_WithTheSignedItemsDetached_IsAccepted()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, TwoItems());

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(2));
    }

    [Test]
    public void BatchRegister_WithItemsInsideTheSignedBody_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();
        batch.Body.Items.AddRange(batch.Items.Items);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("detached_items"));
    }

    [Test]
    public void BatchRegister_WithoutDetachedItems_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();

        var outcome = chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, batch.Body.ToByteString())).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("detached_items is missing"));
    }

    [Test]
    public void BatchRegister_WithAnotherItemCountThanSigned_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();
        batch.Body.ItemCount = 3;

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("holds 2 items, the signed item_count is 3"));
    }

    [Test]
    public void BatchRegister_WithAnItemDroppedFromTheDetachedItems_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();
        batch.Items.Items.RemoveAt(1);
        batch.Body.ItemCount = 1;

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("do not match the signed merkle_root"));
    }

    [Test]
    public void BatchRegister_WithDetachedItemsNotInCanonicalForm_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();
        // The same items, plus an unknown field: they parse, but are not BatchItems' canonical bytes.
        var withUnknownField = batch.Items.ToByteString().Concat(new byte[] { 0x10, 0x01 }).ToArray();

        var outcome = chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, batch.Body.ToByteString(), detachedItems: ByteString.CopyFrom(withUnknownField))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("not the canonical serialization"));
    }

    [Test]
    public void BatchRegister_WithAnItemsFieldsOutOfOrder_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1")]);
        var item = batch.Items.Items[0];
        // item_id (field 2) before content_sha256 (field 1): the same item to a parser, other bytes.
        byte[] inner = [0x12, 0x01, (byte)'1', 0x0A, 0x20, .. item.ContentSha256.ToByteArray()];
        byte[] reordered = [0x0A, (byte)inner.Length, .. inner];

        var outcome = chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, batch.Body.ToByteString(), detachedItems: ByteString.CopyFrom(reordered))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
    }

    [Test]
    public void BatchRegister_WithDetachedItemsThatDoNotParse_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();
        var batch = TwoItems();

        var outcome = chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, batch.Body.ToByteString(), detachedItems: ByteString.CopyFrom(0x0A, 0x7F))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("is not a valid BatchItems"));
    }

    [Test]
    public void RegisterWork_CarryingDetachedItems_IsRejected_MalformedTransaction()
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("w", Sample.Member(Alice)).ToByteString(), detachedItems: TwoItems().Items.ToByteString())).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("only a BatchRegister has detached items"));
    }

    [Test]
    public void DetachedItemsBounds_TheDoorsCheck_GivesTheRulesReason()
    {
        var batch = TwoItems();
        batch.Body.ItemCount = 3;

        var violation = DetachedItemsBounds.Validate(TransactionType.BatchRegister, batch.Body, batch.Items.ToByteString(), CryptoSuites.P256Sha256Name, out var items);

        Assert.That(violation!.Value.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(items, Is.Null);
    }
}
