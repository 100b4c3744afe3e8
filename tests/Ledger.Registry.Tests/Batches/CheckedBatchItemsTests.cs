using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// The host may hand the rules its own earlier parse and Merkle root of a batch's detached items
/// (the leader's door did both): the rules take them only for byte-identical committed items, and
/// the outcome is the one they would reach by parsing and hashing the committed bytes themselves.
/// </summary>
public sealed class CheckedBatchItemsTests
{
    private static TestBatch Batch(string seed) =>
        Sample.Batch(Sample.External("brand"), [Sample.Item(seed + "a", seed + "-1"), Sample.Item(seed + "b", seed + "-2"), Sample.Item(seed + "c", seed + "-3")]);

    // The committed transaction as the host hands it over, with the host's check of some items attached.
    private static RegistryTransaction WithCheck(RegistryTransaction committed, CheckedBatchItems? checkedItems) =>
        new(committed.TxHash, committed.Envelope, precomputedSignature: committed.PrecomputedSignature, detachedItems: committed.DetachedItems, checkedItems: checkedItems);

    private static CheckedBatchItems CheckOf(TestBatch batch, byte[]? root = null) =>
        new(batch.Items.ToByteString(), batch.Items, root ?? batch.Body.MerkleRoot.ToByteArray());

    [Test]
    public void BatchRegister_WithTheHostsCheckOfTheSameItems_GivesTheSameOutcomeAndStateRoot()
    {
        var batch = Batch("same");
        var checkedChain = new TestChain();
        var plainChain = new TestChain();

        var withCheck = checkedChain.ApplyBlock(WithCheck(checkedChain.Tx(Platform, TransactionType.BatchRegister, batch), CheckOf(batch)));
        var without = plainChain.ApplyBlock(plainChain.Tx(Platform, TransactionType.BatchRegister, batch));

        Assert.That(withCheck.Outcomes[0].IsOk, Is.True, withCheck.Outcomes[0].ToString());
        Assert.That(withCheck.Outcomes[0].Batch!.AcceptedCount, Is.EqualTo(3));
        Assert.That(withCheck.StateRoot, Is.EqualTo(without.StateRoot));
        Assert.That(withCheck.Writes, Has.Count.EqualTo(without.Writes.Count));
        for (var i = 0; i < without.Writes.Count; i++)
        {
            Assert.That(withCheck.Writes[i].Key, Is.EqualTo(without.Writes[i].Key), $"write {i}");
            Assert.That(withCheck.Writes[i].Value, Is.EqualTo(without.Writes[i].Value), $"write {i}");
        }
    }

    [Test]
    public void BatchRegister_WithTheHostsCheckOfOtherItems_IgnoresItAndChecksTheCommittedItems()
    {
        // The door checked batch A's items; batch B's were committed under the same hash (detached
        // items are outside the transaction hash): B's own items and root decide.
        var checkedBatch = Batch("door");
        var committedBatch = Batch("committed");
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(WithCheck(chain.Tx(Platform, TransactionType.BatchRegister, committedBatch), CheckOf(checkedBatch))).Outcomes[0];

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Batch!.AcceptedCount, Is.EqualTo(3));
        var registered = BatchItemRecords.Find(chain.State.TryGet, WorkIds.Create(chain.LastTxHash, 0));
        Assert.That(registered!.ContentHash.Sha256, Is.EqualTo(committedBatch.Items.Items[0].ContentSha256));
    }

    [Test]
    public void BatchRegister_WithTheHostsCheckOfOtherItemsUnderTheSignedRoot_IsRejectedOnTheCommittedItems()
    {
        // Host check for the signed items, but the committed detached items differ (one item dropped):
        // the committed bytes are judged, not the check.
        var batch = Batch("signed");
        var check = CheckOf(batch);
        var tampered = batch.Items.Clone();
        tampered.Items.RemoveAt(2);
        var chain = new TestChain();
        var committed = chain.Tx(Platform, TransactionType.BatchRegister, batch.Body.ToByteString(), detachedItems: tampered.ToByteString());

        var outcome = chain.ApplyBlock(WithCheck(committed, check)).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("holds 2 items, the signed item_count is 3"));
    }

    [Test]
    public void BatchRegister_WithTheHostsCheckOfTheSameBytes_TakesItsRootInsteadOfHashing()
    {
        // Specifies the reuse itself: a (wrong) root in the host's check of these very bytes is what
        // the rules compare with the signed root. A real host only records the root it computed.
        var batch = Batch("taken");
        var chain = new TestChain();
        var sameBytesOtherBuffer = ByteString.CopyFrom(batch.Items.ToByteArray());
        var check = new CheckedBatchItems(sameBytesOtherBuffer, batch.Items, new byte[32]);

        var outcome = chain.ApplyBlock(WithCheck(chain.Tx(Platform, TransactionType.BatchRegister, batch), check)).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(outcome.Detail, Does.Contain("do not match the signed merkle_root"));
    }

    [Test]
    public void Matches_SameBytesInAnotherBuffer_True_OtherBytes_False()
    {
        var batch = Batch("match");
        var check = CheckOf(batch);

        Assert.That(check.Matches(ByteString.CopyFrom(batch.Items.ToByteArray())), Is.True);
        Assert.That(check.Matches(Batch("other").Items.ToByteString()), Is.False);
        Assert.That(check.Matches(ByteString.Empty), Is.False);
    }
}
