using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// Storage format 4: a batch item is one content-hash entry; its record is rebuilt from the
/// batch's header and item chunks, and one owner entry stands for the batch's items.
/// </summary>
public sealed class BatchItemStorageTests
{
    private const int ItemCount = 600; // three item chunks

    [Test]
    public void BatchRegister_WritesOneEntryPerAcceptedItem_PlusAFewPerBatch()
    {
        var chain = new TestChain();

        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.Member(Alice), Items(ItemCount)));

        var writes = chain.LastBlock!.Writes;
        Assert.That(writes.Count(w => w.Key.Space == KeySpace.ContentHashIndex), Is.EqualTo(ItemCount));
        Assert.That(writes.Count(w => w.Key.Space == KeySpace.BatchItems), Is.EqualTo(1 + BatchItemTable.ChunkCount(ItemCount)), "header + chunks");
        Assert.That(writes.Count(w => w.Key.Space == KeySpace.OwnerIndex), Is.EqualTo(1), "one owner entry for the batch");
    }

    [Test]
    public void GetWork_OfABatchItem_RebuildsTheRecordAsRegistered_AndNothingForARejectedItem()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("item-300", Sample.Member(Alice)));
        var batch = Sample.Batch(Sample.External("brand"), Items(ItemCount));

        chain.Apply(Platform, TransactionType.BatchRegister, batch);

        var work = chain.Queries.GetWork(WorkIds.Create(chain.LastTxHash, 599))!;
        Assert.That(work.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 599)));
        Assert.That(work.ItemIndex, Is.EqualTo(599));
        Assert.That(work.ItemId, Is.EqualTo("listing-599"));
        Assert.That(work.ContentHash.Sha256, Is.EqualTo(Sample.Hash("item-599")));
        Assert.That(work.PerceptualHash, Is.EqualTo(unchecked(599UL * 0x9E3779B97F4A7C15UL)));
        Assert.That(work.RightsHolder.External.Identifier, Is.EqualTo("brand"));
        Assert.That(work.StewardMemberId, Is.EqualTo(Platform));
        Assert.That(work.RegistrantMemberId, Is.EqualTo(Platform));
        Assert.That(work.RegisteredTxHash.ToByteArray(), Is.EqualTo(chain.LastTxHash));
        Assert.That(work.RegisteredAt.Height, Is.EqualTo(chain.Height));
        Assert.That(work.RegisteredTimestampUnixMs, Is.EqualTo(TimestampOf(chain.Height)));
        Assert.That(chain.Queries.GetWork(WorkIds.Create(chain.LastTxHash, 300)), Is.Null, "item 300 was a duplicate");
        Assert.That(chain.Queries.GetWork(WorkIds.Create(chain.LastTxHash, ItemCount)), Is.Null, "past the last item");
    }

    [Test]
    public void FindSimilarWorks_FindsAcceptedBatchItemsFromTheirChunks_NotRejectedOnes()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("item-7", Sample.Member(Alice)));
        var batch = Sample.Batch(Sample.External("brand"), Items(ItemCount), MediaType.Image);

        chain.Apply(Platform, TransactionType.BatchRegister, batch);

        Assert.That(chain.LastBlock!.Writes.Count(w => w.Key.Space == KeySpace.PerceptualHashIndex), Is.Zero, "no per-item index entry");
        var found = chain.Queries.FindSimilarWorks(unchecked(555UL * 0x9E3779B97F4A7C15UL), 0, 10).Matches.Single();
        Assert.That(found.WorkId, Is.EqualTo(WorkIds.Create(chain.LastTxHash, 555)));
        Assert.That(chain.Queries.FindSimilarWorks(unchecked(7UL * 0x9E3779B97F4A7C15UL), 0, 10).Matches, Is.Empty, "item 7 was a rejected duplicate");
    }

    [Test]
    public void WorksByOwner_WithBatchItemsTransferredAwayAndBack_ListsEachHeldWorkOnceInOrder_OnEveryPageSize()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("item-10", Sample.Member(Alice)));
        var single = WorkIds.Create(chain.LastTxHash, 0);
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.Member(Alice), Items(ItemCount)));
        var batch = chain.LastTxHash;
        Transfer(chain, Alice, WorkIds.Create(batch, 5), Bob);
        Transfer(chain, Alice, WorkIds.Create(batch, 300), Bob);
        Transfer(chain, Bob, WorkIds.Create(batch, 300), Alice);
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("later", Sample.Member(Alice)));
        var later = WorkIds.Create(chain.LastTxHash, 0);

        var expected = Enumerable.Range(0, ItemCount).Where(i => i is not 5 and not 10).Select(i => Convert.ToHexString(WorkIds.Create(batch, (uint)i)))
            .Append(Convert.ToHexString(single)).Append(Convert.ToHexString(later))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var pageSize in new[] { 1, 7, 256, 1000 })
        {
            Assert.That(ListAll(chain, Sample.Member(Alice), pageSize), Is.EqualTo(expected), $"page size {pageSize}");
        }

        Assert.That(ListAll(chain, Sample.Member(Bob), 10), Is.EqualTo(new[] { Convert.ToHexString(WorkIds.Create(batch, 5)) }));
        Assert.That(chain.Queries.GetWork(WorkIds.Create(batch, 300))!.RegisteredHolder.MemberId, Is.EqualTo(Alice), "the changed item's committed record wins");
    }

    [Test]
    public void TransferOwnership_OfABatchItemInTheSameBlock_FindsTheItem()
    {
        var chain = new TestChain();
        var register = chain.Tx(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.Member(Alice), Items(3)));
        var transfer = chain.Tx(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = ByteString.CopyFrom(WorkIds.Create(register.TxHash, 2)), NewHolder = Sample.Member(Bob) });

        var outcomes = chain.ApplyBlock(register, transfer).Outcomes;

        Assert.That(outcomes[1].IsOk, Is.True, outcomes[1].ToString());
        Assert.That(chain.Queries.GetWork(WorkIds.Create(register.TxHash, 2))!.RightsHolder.MemberId, Is.EqualTo(Bob));
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(chain.Queries.StateRoot));
    }

    private static void Transfer(TestChain chain, string signer, byte[] workId, string newHolder)
    {
        var outcome = chain.Apply(signer, TransactionType.TransferOwnership, new TransferOwnership { WorkId = ByteString.CopyFrom(workId), NewHolder = Sample.Member(newHolder) });
        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
    }

    private static List<string> ListAll(TestChain chain, RightsHolder holder, int pageSize)
    {
        var seen = new List<string>();
        byte[]? token = null;
        do
        {
            var page = chain.Queries.GetWorksByOwner(holder, token, pageSize);
            Assert.That(page.Items, Has.Count.LessThanOrEqualTo(pageSize));
            seen.AddRange(page.Items.Select(w => Convert.ToHexString(w.WorkId.Span)));
            token = page.NextPageToken;
        }
        while (token is not null);

        return seen;
    }

    private static List<BatchItem> Items(int count) =>
        Enumerable.Range(0, count).Select(i => Sample.Item($"item-{i}", $"listing-{i}", perceptualHash: unchecked((ulong)i * 0x9E3779B97F4A7C15UL))).ToList();
}
