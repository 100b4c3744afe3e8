using System.Buffers.Binary;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// A batch item's content-hash entry holds 9 bytes (<see cref="ContentHashIndexValue"/>: its batch's
/// ordinal and its item index) instead of its 36-byte work id; the ordinal maps to the batch's tx
/// hash (<see cref="KeySpace.BatchOrdinal"/>). Entries in the 36-byte form (single works, and every
/// entry of a directory written before) keep working; anything else is damage, reported as such.
/// </summary>
public sealed class CompactContentHashIndexTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void ResolveWorkId_AnyStoredBytes_GiveAWorkIdOrDamage_NeverAnotherException(int seed)
    {
        // The value and the ordinal mapping are read from disk: every length, tag and mapping a lying disk can
        // hold either resolves (a 36-byte work id as it is, a well-formed batch item through a 32-byte mapping)
        // or is reported as damage.
        var random = new Random(seed);
        var key = StateKeys.ContentHash(ContentHashAlgorithm.Sha256, new byte[32]);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new byte[random.Next(5) == 0 ? ContentHashIndexValue.BatchItemBytes : random.Next(0, 41)];
            random.NextBytes(value);
            if (value.Length == ContentHashIndexValue.BatchItemBytes && random.Next(2) == 0)
            {
                value[0] = ContentHashIndexValue.BatchItemTag;
            }

            byte[]? mapping = random.Next(3) switch
            {
                0 => null,
                1 => new byte[32],
                _ => new byte[random.Next(0, 65)],
            };

            bool Read(StateKey read, out byte[] bytes)
            {
                bytes = mapping ?? [];
                return mapping is not null && read.Span.SequenceEqual(StateKeys.BatchOrdinal(ContentHashIndexValue.OrdinalOf(value)).Span);
            }

            var wellFormed = value.Length == WorkIds.WorkIdBytes
                || (ContentHashIndexValue.IsBatchItem(value) && mapping is { Length: WorkIds.TxHashBytes });
            try
            {
                var workId = ContentHashIndexValue.ResolveWorkId(key, value, Read);
                Assert.That(wellFormed, Is.True, $"seed {seed} case {i}: {Convert.ToHexString(value)} resolved");
                Assert.That(workId, Has.Length.EqualTo(WorkIds.WorkIdBytes));
            }
            catch (RegistryInvariantException)
            {
                Assert.That(wellFormed, Is.False, $"seed {seed} case {i}: {Convert.ToHexString(value)} refused");
            }
        }
    }

    [Test]
    public void ValueBounds_CoverTheLargestBatch_AndRoundTripAtTheirLimits()
    {
        Assert.That(ContentHashIndexValue.ItemIndexMax, Is.GreaterThanOrEqualTo((uint)RegistryLimits.BatchItemsMax - 1));
        Assert.That(ContentHashIndexValue.OrdinalMax, Is.EqualTo((1UL << 40) - 1));

        var value = ContentHashIndexValue.ForBatchItem(ContentHashIndexValue.OrdinalMax, ContentHashIndexValue.ItemIndexMax);

        Assert.That(value, Has.Length.EqualTo(9));
        Assert.That(ContentHashIndexValue.IsBatchItem(value), Is.True);
        Assert.That(ContentHashIndexValue.OrdinalOf(value), Is.EqualTo(ContentHashIndexValue.OrdinalMax));
        Assert.That(ContentHashIndexValue.ItemIndexOf(value), Is.EqualTo(ContentHashIndexValue.ItemIndexMax));
        Assert.That(Convert.ToHexString(ContentHashIndexValue.ForBatchItem(0x0102030405, 0x060708)), Is.EqualTo("B1010203040506" + "0708"));
        Assert.Throws<RegistryInvariantException>(() => ContentHashIndexValue.ForBatchItem(ContentHashIndexValue.OrdinalMax + 1, 0));
        Assert.Throws<RegistryInvariantException>(() => ContentHashIndexValue.ForBatchItem(0, ContentHashIndexValue.ItemIndexMax + 1));
    }

    [Test]
    public void OrdinalSpaces_AreOutsideTheStateRoot()
    {
        Assert.That(KeySpaces.IsCommitted(KeySpace.BatchOrdinal), Is.False);
        Assert.That(KeySpaces.IsCommitted(KeySpace.Meta), Is.False);
        Assert.That((byte)KeySpace.BatchOrdinal, Is.GreaterThan((byte)KeySpace.BatchItems));
    }

    [Test]
    public void BatchRegister_ItemEntries_AreNineBytesNamingTheBatchOrdinal_SingleWorksKeepTheWorkId()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("single", Sample.External("s")));
        var singleTx = chain.LastTxHash;

        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1"), Sample.Item("b", "2")]));
        var firstBatch = chain.LastTxHash;
        var contentWrites = chain.LastBlock!.Writes.Where(w => w.Key.Space == KeySpace.ContentHashIndex).ToList();
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("c", "3")]));
        var secondBatch = chain.LastTxHash;

        Assert.That(contentWrites, Has.Count.EqualTo(2));
        Assert.That(contentWrites.Select(w => w.Value!.Length), Is.All.EqualTo(ContentHashIndexValue.BatchItemBytes), "9 bytes per item instead of 36");
        Assert.That(Stored(chain, "a"), Is.EqualTo(ContentHashIndexValue.ForBatchItem(0, 0)));
        Assert.That(Stored(chain, "b"), Is.EqualTo(ContentHashIndexValue.ForBatchItem(0, 1)));
        Assert.That(Stored(chain, "c"), Is.EqualTo(ContentHashIndexValue.ForBatchItem(1, 0)));
        Assert.That(Stored(chain, "single"), Is.EqualTo(WorkIds.Create(singleTx, 0)), "a single work's entry keeps its work id");
        Assert.That(Raw(chain, StateKeys.BatchOrdinal(0)), Is.EqualTo(firstBatch));
        Assert.That(Raw(chain, StateKeys.BatchOrdinal(1)), Is.EqualTo(secondBatch));
        Assert.That(NextOrdinal(chain), Is.EqualTo(2UL));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("b").Span)!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(firstBatch, 1)));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("c").Span)!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(secondBatch, 0)));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("single").Span)!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(singleTx, 0)));
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(chain.LastBlock!.StateRoot));
    }

    /// <summary>The prefetched (batched) read of a RegisterWork's entry and the parallel peeks of a large batch resolve the compact form too.</summary>
    [Test]
    public void DuplicateChecks_ThroughPrefetchAndParallelPeeks_ResolveCompactEntries()
    {
        var chain = new TestChain(parallelismMax: 4, multiGetReads: true);
        var items = Enumerable.Range(0, 3_000).Select(i => Sample.Item($"p-{i}", $"p-{i}")).ToList();
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items));
        var batchTx = chain.LastTxHash;

        var single = chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("p-2999", Sample.External("s")));
        var repeat = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items.Take(2_500)));

        Assert.That(chain.BatchedReads, Is.GreaterThan(0));
        Assert.That(single.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(single.Detail, Is.EqualTo($"sha256 content hash already registered as work {Convert.ToHexString(WorkIds.Create(batchTx, 2_999))}"));
        Assert.That(single.ReferenceTxHash, Is.EqualTo(batchTx));
        Assert.That(repeat.Batch!.AcceptedCount, Is.Zero);
        Assert.That(repeat.Batch.Rejections[2_499].ReferenceWorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(batchTx, 2_499)));
    }

    [Test]
    public void BatchRegister_AcceptingNoItem_TakesNoOrdinal()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1")]));

        var none = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "2")]));
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("b", "3")]));

        Assert.That(none.Batch!.AcceptedCount, Is.Zero);
        Assert.That(NextOrdinal(chain), Is.EqualTo(2UL));
        Assert.That(Raw(chain, StateKeys.BatchOrdinal(1)), Is.EqualTo(chain.LastTxHash));
    }

    [Test]
    public void BatchRegister_AtTheOrdinalBound_TakesTheLastOrdinal_ThenLaterBatchesWriteWorkIds()
    {
        var chain = new TestChain();
        chain.State.Apply([new StateWrite(StateKeys.BatchOrdinalNext(), Counter(ContentHashIndexValue.OrdinalMax))]);

        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("last", "1")]));
        var lastCompact = chain.LastTxHash;
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("beyond-0", "2"), Sample.Item("beyond-1", "3")]));
        var beyond = chain.LastTxHash;
        var duplicates = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("last", "4"), Sample.Item("beyond-1", "5")]));

        Assert.That(Stored(chain, "last"), Is.EqualTo(ContentHashIndexValue.ForBatchItem(ContentHashIndexValue.OrdinalMax, 0)));
        Assert.That(Raw(chain, StateKeys.BatchOrdinal(ContentHashIndexValue.OrdinalMax)), Is.EqualTo(lastCompact));
        Assert.That(Stored(chain, "beyond-1"), Is.EqualTo(WorkIds.Create(beyond, 1)), "past the bound: the 36-byte form");
        Assert.That(NextOrdinal(chain), Is.EqualTo(ContentHashIndexValue.OrdinalMax + 1), "no ordinal is taken past the bound");
        Assert.That(duplicates.Batch!.Rejections.Select(r => r.ReferenceWorkId.ToByteArray()), Is.EqualTo(new[] { WorkIds.Create(lastCompact, 0), WorkIds.Create(beyond, 1) }));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("last").Span)!.ItemId, Is.EqualTo("1"));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("beyond-1").Span)!.ItemId, Is.EqualTo("3"));
    }

    /// <summary>
    /// A state as the code before the compact value left it (every entry a 36-byte work id, no
    /// ordinals): the history's remaining blocks replay to the same transcript on it as on a state
    /// written in the compact form from the start.
    /// </summary>
    [TestCase("p256-sha256")]
    [TestCase("sm2-sm3")]
    public void StateWithWorkIdEntries_KeepsFindingAndRejecting_AsTheCompactForm(string suite)
    {
        var compact = new TestChain(DefaultGenesis(suite: suite));
        var legacy = new TestChain(DefaultGenesis(suite: suite));
        var converted = 0;

        var expected = MixedContentHashHistory.Run(compact);
        var transcript = MixedContentHashHistory.Run(legacy, chain => converted += ToWorkIdForm(chain));

        Assert.That(converted, Is.GreaterThan(0), "the legacy chain's batch entries were rewritten");
        Assert.That(legacy.State.All().Count(e => e.Key.Space == KeySpace.ContentHashIndex && e.Value.Length != WorkIds.WorkIdBytes), Is.Zero);
        Assert.That(transcript, Is.EqualTo(expected));
        Assert.That(legacy.RecomputedRoot(), Is.EqualTo(legacy.LastBlock!.StateRoot));
    }

    [Test]
    public void StateWithWorkIdEntries_ANewBatchTakesOrdinalZero_BesideThem()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("old", "1")]));
        var oldBatch = chain.LastTxHash;
        ToWorkIdForm(chain);

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("new", "2"), Sample.Item("old", "3")]));

        Assert.That(Stored(chain, "old"), Is.EqualTo(WorkIds.Create(oldBatch, 0)));
        Assert.That(Stored(chain, "new"), Is.EqualTo(ContentHashIndexValue.ForBatchItem(0, 0)));
        Assert.That(outcome.Batch!.Rejections.Single().ReferenceWorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(oldBatch, 0)));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("old").Span)!.ItemId, Is.EqualTo("1"));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("new").Span)!.ItemId, Is.EqualTo("2"));
    }

    public enum Damage
    {
        WrongLength,
        UnknownTag,
        OrdinalWithoutMapping,
        MappingNotATxHash,
    }

    [TestCase(Damage.WrongLength)]
    [TestCase(Damage.UnknownTag)]
    [TestCase(Damage.OrdinalWithoutMapping)]
    [TestCase(Damage.MappingNotATxHash)]
    public void MalformedEntry_IsReportedAsDamage_ByTheQueryAndByEveryDuplicateCheck(Damage damage)
    {
        var chain = new TestChain();
        var key = StateKeys.ContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("damaged").Span);
        var writes = damage switch
        {
            Damage.WrongLength => [new StateWrite(key, new byte[10])],
            Damage.UnknownTag => [new StateWrite(key, [0xB2, 0, 0, 0, 0, 0, 0, 0, 0])],
            Damage.OrdinalWithoutMapping => [new StateWrite(key, ContentHashIndexValue.ForBatchItem(7, 0))],
            _ => new[] { new StateWrite(key, ContentHashIndexValue.ForBatchItem(7, 0)), new StateWrite(StateKeys.BatchOrdinal(7), new byte[31]) },
        };
        chain.State.Apply(writes);

        var query = Assert.Throws<RegistryInvariantException>(() => chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("damaged").Span))!;
        Assert.That(query.Message, Does.Contain(damage == Damage.MappingNotATxHash ? "batch ordinal 7" : key.ToString()));
        Assert.Throws<RegistryInvariantException>(() => chain.ApplyBlock(chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work("damaged", Sample.External("s")))));
        Assert.Throws<RegistryInvariantException>(() => chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("damaged", "1")]))));
    }

    [Test]
    public void MalformedOrdinalCounter_IsReportedAsDamage()
    {
        var chain = new TestChain();
        chain.State.Apply([new StateWrite(StateKeys.BatchOrdinalNext(), new byte[7])]);

        Assert.Throws<RegistryInvariantException>(() => chain.ApplyBlock(chain.Tx(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1")]))));
    }

    /// <summary>Rewrites every compact entry into the 36-byte work id it names and drops the ordinals, as if the code before had written the state; returns how many entries changed.</summary>
    private static int ToWorkIdForm(TestChain chain)
    {
        var writes = new List<StateWrite>();
        foreach (var entry in chain.State.All())
        {
            if (entry.Key.Space == KeySpace.ContentHashIndex && ContentHashIndexValue.IsBatchItem(entry.Value))
            {
                var txHash = Raw(chain, StateKeys.BatchOrdinal(ContentHashIndexValue.OrdinalOf(entry.Value)));
                writes.Add(new StateWrite(entry.Key, WorkIds.Create(txHash, ContentHashIndexValue.ItemIndexOf(entry.Value))));
            }
            else if (entry.Key.Space == KeySpace.BatchOrdinal || entry.Key == StateKeys.BatchOrdinalNext())
            {
                writes.Add(new StateWrite(entry.Key, null));
            }
        }

        chain.State.Apply(writes.OrderBy(w => w.Key).ToList());
        return writes.Count(w => w.Key.Space == KeySpace.ContentHashIndex);
    }

    private static byte[] Stored(TestChain chain, string seed) => Raw(chain, StateKeys.ContentHash(ContentHashAlgorithm.Sha256, Sample.Hash(seed).Span));

    private static byte[] Raw(TestChain chain, StateKey key) => chain.State.TryGet(key, out var value) ? value : throw new AssertionException($"no value under {key}");

    private static ulong NextOrdinal(TestChain chain) => BinaryPrimitives.ReadUInt64BigEndian(Raw(chain, StateKeys.BatchOrdinalNext()));

    private static byte[] Counter(ulong next)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, next);
        return bytes;
    }
}
