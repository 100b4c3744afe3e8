using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

public sealed class ParallelBatchTests
{
    [Test]
    public void LargeBatch_AppliedWithOneOrFourThreads_GivesIdenticalOutcomesWritesAndStateRoot()
    {
        var oneThread = new TestChain(parallelismMax: 1);
        var fourThreads = new TestChain(parallelismMax: 4);
        foreach (var chain in new[] { oneThread, fourThreads })
        {
            for (var i = 0; i < 50; i++)
            {
                chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work($"known-{i * 97}", Sample.Member(Alice), perceptualHash: (ulong)i));
            }
        }

        // Large enough for every parallel path; some items registered before, some repeated inside the batch.
        var items = Enumerable.Range(0, 12_000)
            .Select(i => Sample.Item(i % 5 == 0 ? $"known-{i % 4850}" : i % 7 == 0 ? $"again-{i % 300}" : $"new-{i}", $"listing-{i}", perceptualHash: (ulong)i * 0x9E3779B97F4A7C15UL))
            .ToList();
        var batch = Sample.Batch(Sample.External("brand"), items, MediaType.Image);

        var left = oneThread.ApplyBlock(oneThread.Tx(Platform, TransactionType.BatchRegister, batch));
        var right = fourThreads.ApplyBlock(fourThreads.Tx(Platform, TransactionType.BatchRegister, batch));

        Assert.That(left.Outcomes[0].IsOk, Is.True, left.Outcomes[0].ToString());
        Assert.That(left.Outcomes[0].Batch!.Rejections, Has.Count.GreaterThan(1000), "the batch must exercise both rejection paths");
        Assert.That(right.Outcomes[0].ToString(), Is.EqualTo(left.Outcomes[0].ToString()));
        Assert.That(right.Outcomes[0].Batch, Is.EqualTo(left.Outcomes[0].Batch));
        Assert.That(Render(right), Is.EqualTo(Render(left)));
        Assert.That(right.StateRoot, Is.EqualTo(left.StateRoot));
        Assert.That(left.StateRoot, Is.EqualTo(oneThread.RecomputedRoot()));
    }

    [TestCase(1)]
    [TestCase(4)]
    public void LargeBatch_ItemReadsBatchedOrOneByOne_GiveIdenticalOutcomesWritesAndStateRoot(int parallelismMax)
    {
        var oneByOne = new TestChain(parallelismMax: parallelismMax);
        var batched = new TestChain(parallelismMax: parallelismMax, multiGetReads: true);
        foreach (var chain in new[] { oneByOne, batched })
        {
            for (var i = 0; i < 50; i++)
            {
                chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work($"known-{i * 97}", Sample.Member(Alice), perceptualHash: (ulong)i));
            }
        }

        var readsBefore = batched.BatchedReads;
        // Items registered before (stored), repeated inside the batch (pending in its own layer) and new.
        var items = Enumerable.Range(0, 12_000)
            .Select(i => Sample.Item(i % 5 == 0 ? $"known-{i % 4850}" : i % 7 == 0 ? $"again-{i % 300}" : $"new-{i}", $"listing-{i}"))
            .ToList();
        var batch = Sample.Batch(Sample.External("brand"), items, MediaType.Image);

        var left = oneByOne.ApplyBlock(oneByOne.Tx(Platform, TransactionType.BatchRegister, batch));
        var right = batched.ApplyBlock(batched.Tx(Platform, TransactionType.BatchRegister, batch));

        Assert.That(left.Outcomes[0].Batch!.Rejections, Has.Count.GreaterThan(1000), "the batch must exercise both rejection paths");
        Assert.That(batched.BatchedReads - readsBefore, Is.GreaterThanOrEqualTo(items.Count), "every item's content hash is read in a batch");
        Assert.That(right.Outcomes[0].ToString(), Is.EqualTo(left.Outcomes[0].ToString()));
        Assert.That(right.Outcomes[0].Batch, Is.EqualTo(left.Outcomes[0].Batch));
        Assert.That(Render(right), Is.EqualTo(Render(left)));
        Assert.That(right.StateRoot, Is.EqualTo(left.StateRoot));
    }

    [TestCase(8_192)]
    [TestCase(8_193)]
    [TestCase(13_001)]
    public void BatchMerkleRoot_InParallel_EqualsTheSequentialRoot(int itemCount)
    {
        var items = Enumerable.Range(0, itemCount).Select(i => Sample.Item($"i{i}", $"id-{i}")).ToList();

        var parallel = BatchMerkleRoot.Compute(Sha256HashAlgorithm.Instance, items, parallelismMax: 4);

        Assert.That(parallel, Is.EqualTo(BatchMerkleRoot.Compute(Sha256HashAlgorithm.Instance, items)));
    }

    private static List<string> Render(Ledger.Registry.Applying.BlockApplication application) =>
        [.. application.Writes.Select(w => $"{w.Key}={(w.Value is null ? "-" : Convert.ToHexString(w.Value))}")];
}
