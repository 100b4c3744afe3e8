using Google.Protobuf;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Blocks;

public sealed class BlockStoreTests
{
    [Test]
    public void Append_ThenRead_ReturnsTheBlockItsHeaderAndItsTransactions()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var block = TestChain.Next(store, 5);

        store.Append(block, appliedRaftIndex: 1);

        Assert.That(store.LatestHeight, Is.EqualTo(1UL));
        Assert.That(store.AppliedRaftIndex, Is.EqualTo(1UL));
        Assert.That(store.GetBlock(1), Is.EqualTo(block));
        Assert.That(store.GetHeader(1), Is.EqualTo(block.Header));
        Assert.That(store.GetBlockHash(1), Is.EqualTo(TestChain.Hashing.HashHeader(block.Header)));
        Assert.That(store.GetBlock(2), Is.Null);
        var found = store.FindTransaction(TestChain.Hashing.HashTransaction(block.Transactions[4]));
        Assert.That(found, Is.Not.Null);
        Assert.That(found!.Height, Is.EqualTo(1UL));
        Assert.That(found.Position, Is.EqualTo(4u));
        Assert.That(found.Transaction, Is.EqualTo(block.Transactions[4]));
        Assert.That(found.Result.Code, Is.EqualTo(ResultCode.Rejected));
    }

    [TestCase(5)]
    [TestCase(3_000)]
    public void Append_StoresEachTransactionWithItsResultAsItsOwnRecord(int transactionCount)
    {
        // The stored bytes are the chain format: serializing into a pooled buffer must not change them.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        var block = TestChain.Next(store, transactionCount);

        store.Append(block, appliedRaftIndex: TestChain.NextRaftIndex(store));

        for (var position = 0u; position < transactionCount; position++)
        {
            var key = BlockKeys.TransactionKey(2, position);
            var (transaction, result) = TransactionRecord.Read(key, database.Get(database.Blocks, key)!, 2, position);
            Assert.That(transaction.ToByteArray(), Is.EqualTo(block.Transactions[(int)position].ToByteArray()));
            Assert.That(result, Is.EqualTo(block.Results[(int)position]));
        }

        Assert.That(database.Get(database.Blocks, BlockKeys.TransactionKey(2, (uint)transactionCount)), Is.Null, "one record per transaction, no more");
        Assert.That(database.Get(database.Blocks, LegacyLayout.BlockKey(2)), Is.Null, "no whole-block record: the transactions are not stored twice");
        Assert.That(store.GetBlock(2), Is.EqualTo(block));
    }

    [Test]
    public void FindTransaction_Unknown_ReturnsNull()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 2);

        Assert.That(store.FindTransaction(new byte[32]), Is.Null);
    }

    [Test]
    public void DuplicateTransaction_IndexKeepsTheFirstOccurrence()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var transaction = TestChain.Transaction(99, 0);
        var first = TestChain.Next(store, [TestChain.Transaction(1, 0), transaction]);
        store.Append(first, first.Header.RaftIndex);
        var second = TestChain.Next(store, [transaction, transaction]);
        store.Append(second, second.Header.RaftIndex);

        var found = store.FindTransaction(TestChain.Hashing.HashTransaction(transaction));

        Assert.That((found!.Height, found.Position), Is.EqualTo((1UL, 1u)));
        Assert.That(store.GetBlock(2)!.Transactions, Has.Count.EqualTo(2));
    }

    [Test]
    public void LogProofs_FromTheStore_VerifyAgainstTheHeaders()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 12);
        var hasher = TestChain.Hashing.MerkleHasher;

        for (ulong height = 1; height <= 12; height++)
        {
            var block = store.GetBlock(height)!;
            for (var position = 0; position < block.Transactions.Count; position++)
            {
                var proof = store.GetLogInclusionProof(height, (uint)position);
                var leafHash = TestChain.Hashing.LeafHash(block.Transactions[position], block.Results[position]);
                Assert.That(
                    MerkleProofVerifier.CheckInclusion(hasher, proof.LeafIndex, proof.TreeSize, leafHash, [.. proof.Path.Select(p => p.ToByteArray())], block.Header.LogRoot.ToByteArray()),
                    Is.EqualTo(MerkleProofResult.Valid),
                    $"block {height} position {position}");
            }
        }

        var early = store.GetHeader(3)!;
        var late = store.GetHeader(12)!;
        var consistency = store.GetLogConsistencyProof(early.LogSize, late.LogSize);
        Assert.That(
            MerkleProofVerifier.CheckConsistency(hasher, early.LogSize, late.LogSize, [.. consistency.Path.Select(p => p.ToByteArray())], early.LogRoot.ToByteArray(), late.LogRoot.ToByteArray()),
            Is.EqualTo(MerkleProofResult.Valid));
    }

    [Test]
    public void EmptyBlock_KeepsTheLogAndHasTheEmptyTransactionRoot()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        var logSize = store.Tip.LogSize;
        var empty = TestChain.Next(store, 0);

        store.Append(empty, empty.Header.RaftIndex);

        Assert.That(store.Tip.LogSize, Is.EqualTo(logSize));
        Assert.That(empty.Header.TxRoot.ToByteArray(), Is.EqualTo(TestChain.Hashing.MerkleHasher.EmptyRoot()));
    }

    private static IEnumerable<TestCaseData> BrokenBlocks()
    {
        yield return Case(BlockInvariant.HeightNotNext, (block, _) => block.Header.Height += 1);
        yield return Case(BlockInvariant.PreviousHashMismatch, (block, _) => block.Header.PrevBlockHash = ByteString.CopyFrom(new byte[32]));
        yield return Case(BlockInvariant.ChainIdMismatch, (block, _) => block.Header.ChainId = "another-chain");
        yield return Case(BlockInvariant.TransactionRootMismatch, (block, _) => block.Header.TxRoot = ByteString.CopyFrom(new byte[32]));
        yield return Case(BlockInvariant.LogRootMismatch, (block, _) => block.Header.LogRoot = ByteString.CopyFrom(new byte[32]));
        yield return Case(BlockInvariant.LogSizeMismatch, (block, _) => block.Header.LogSize += 1);
        yield return Case(BlockInvariant.TransactionCountMismatch, (block, _) => block.Header.TxCount += 1);
        yield return Case(BlockInvariant.ResultCountMismatch, (block, _) => block.Results.RemoveAt(0));
        yield return Case(BlockInvariant.TransactionRootMismatch, (block, _) => block.Results[0].Reason = "tampered result");
        yield return Case(BlockInvariant.MissingHeader, (block, _) => block.Header = null);

        static TestCaseData Case(BlockInvariant violation, Action<Block, BlockStore> breakIt) =>
            new TestCaseData(violation, breakIt).SetArgDisplayNames(violation.ToString());
    }

    [TestCaseSource(nameof(BrokenBlocks))]
    public void Append_BlockBreakingTheChain_ThrowsAndWritesNothing(BlockInvariant violation, Action<Block, BlockStore> breakIt)
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 3);
        var tip = store.Tip;
        var block = TestChain.Next(store, 3);
        breakIt(block, store);

        var error = Assert.Throws<BlockInvariantException>(() => store.Append(block, TestChain.NextRaftIndex(store)));

        Assert.That(error!.Violation, Is.EqualTo(violation));
        Assert.That(store.Tip, Is.EqualTo(tip));
        Assert.That(store.LogTree.StagedSize, Is.EqualTo(tip.LogSize));
        var valid = TestChain.Next(store, 3);
        store.Append(valid, valid.Header.RaftIndex);
        Assert.That(store.LatestHeight, Is.EqualTo(4UL));
    }

    [Test]
    public void Append_AppliedRaftIndexNotAdvancing_Throws()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 2);
        var block = TestChain.Next(store, 1);

        var error = Assert.Throws<BlockInvariantException>(() => store.Append(block, store.AppliedRaftIndex));

        Assert.That(error!.Violation, Is.EqualTo(BlockInvariant.RaftIndexNotIncreasing));
    }

    [Test]
    public void StageAppliedIndex_WithoutBlock_AdvancesTheAppliedIndexOnly()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        using var batch = new WriteBatch();

        store.StageAppliedIndex(batch, 10);
        database.Write(batch);
        store.MarkCommitted();

        Assert.That(store.AppliedRaftIndex, Is.EqualTo(10UL));
        Assert.That(store.LatestHeight, Is.EqualTo(1UL));
    }

    [Test]
    public void Reopen_AfterAnUnwrittenBatch_ResumesAtTheLastWholeBatch()
    {
        using var directory = new TempDirectory();
        Block lastWritten;
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 20);
            lastWritten = store.GetBlock(20)!;

            // The process dies after staging block 21 but before writing its batch; nothing is flushed either.
            using var batch = new WriteBatch();
            store.StageAppend(batch, TestChain.Next(store, 4), TestChain.NextRaftIndex(store));
        }

        using var reopened = TestChain.OpenDatabase(directory.Path);
        var resumed = new BlockStore(reopened, TestChain.Hashing);

        Assert.That(resumed.LatestHeight, Is.EqualTo(20UL));
        Assert.That(resumed.AppliedRaftIndex, Is.EqualTo(lastWritten.Header.RaftIndex));
        Assert.That(resumed.Tip.LogSize, Is.EqualTo(lastWritten.Header.LogSize));
        Assert.That(resumed.GetBlock(20), Is.EqualTo(lastWritten));
        Assert.That(resumed.GetBlock(21), Is.Null);
        TestChain.AppendBlocks(resumed, 3);
        Assert.That(resumed.LatestHeight, Is.EqualTo(23UL));
    }

    [Test]
    public void DiscardStaged_AfterAFailedWrite_LetsTheSameHeightBeAppended()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 2);
        using (var abandoned = new WriteBatch())
        {
            store.StageAppend(abandoned, TestChain.Next(store, 6, seed: 1), TestChain.NextRaftIndex(store));
            Assert.That(() => store.StageAppend(abandoned, TestChain.Next(store, 1), 99), Throws.InvalidOperationException, "one block per batch");
        }

        store.DiscardStaged();
        var block = TestChain.Next(store, 2, seed: 2);
        store.Append(block, block.Header.RaftIndex);

        Assert.That(store.GetBlock(3), Is.EqualTo(block));
    }

    [Test]
    public void GetBlock_StoredHashRecordTampered_ThrowsStorageCorruptionNamingTheHeight()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 5);
        using (var batch = new WriteBatch())
        {
            var key = new byte[9];
            key[0] = (byte)'X';
            key[8] = 3;
            batch.Put(key, new byte[32], database.Blocks);
            database.Write(batch);
        }

        var error = Assert.Throws<StorageCorruptionException>(() => store.GetBlock(3));

        Assert.That(error!.Height, Is.EqualTo(3UL));
        Assert.That(() => store.GetBlock(4), Throws.TypeOf<StorageCorruptionException>().With.Property(nameof(StorageCorruptionException.Height)).EqualTo(4UL), "the next block's link no longer matches");
    }

    [Test]
    public void GetBlock_LastTransactionRecordMissingUnderAnIntactHeader_ThrowsStorageCorruptionNamingTheHeight()
    {
        // Arrange: block 3's last transaction record is gone; its header (and hash) stay.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 5);
        var last = store.GetHeader(3)!.TxCount - 1;
        using (var batch = new WriteBatch())
        {
            batch.Delete(BlockKeys.TransactionKey(3, last), database.Blocks);
            database.Write(batch);
        }

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => store.GetBlock(3));

        // Assert
        Assert.That(error!.Height, Is.EqualTo(3UL));
        Assert.That(error.Message, Does.Contain("missing"));
        Assert.That(store.GetBlock(4), Is.Not.Null, "the neighbours are intact");
    }

    [Test]
    public void GetBlock_TransactionsReorderedUnderAnIntactHeader_ThrowsStorageCorruptionNamingTheTxRoot()
    {
        // Each record is sealed for its new place (as a bug writing them in the wrong order would): only the tx_root can tell.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 5);
        var block = store.GetBlock(2)!;
        Assert.That(block.Transactions, Has.Count.GreaterThanOrEqualTo(2), "block 2 of the test chain has several transactions");
        TransactionRecords.Write(database, 2, 0, block.Transactions[1], block.Results[1]);
        TransactionRecords.Write(database, 2, 1, block.Transactions[0], block.Results[0]);

        var error = Assert.Throws<StorageCorruptionException>(() => store.GetBlock(2));

        Assert.That(error!.Message, Does.Contain("tx_root"));
    }
}
