using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>
/// What an inclusion proof reads (<see cref="BlockStore.FindTransactionLeaf"/>): a transaction's log leaf and its
/// verified path, without its body. It must answer exactly what <see cref="BlockStore.FindTransaction"/> answers,
/// refuse what that refuses, and never copy a batch's detached items.
/// </summary>
public sealed class TransactionLeafTests
{
    // The protocol's hashing: the transaction hash covers envelope and signature, never detached items.
    private static readonly BlockHashing Canonical = BlockHashing.Canonical(Sha256HashAlgorithm.Instance);

    private const int BatchItems = 10_000;
    private const int BatchItemBytes = 60;

    [Test]
    public void FindTransactionLeaf_EveryTransactionAtManyTreeSizes_MatchesFindTransactionAndProvesAgainstEveryLaterRoot()
    {
        // Arrange: 30 blocks of 1..7 transactions, every fourth with detached items, so the log passes many sizes.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var hashes = new List<byte[]>();
        for (var b = 0; b < 30; b++)
        {
            var height = store.LatestHeight + 1;
            var transactions = Enumerable.Range(0, (int)(height % 7) + 1).Select(i => TestChain.Transaction(height, i)).ToList();
            if (b % 4 == 0)
            {
                transactions[0].DetachedItems = ByteString.CopyFrom(new byte[100 + b]);
            }

            var block = TestChain.Next(store, transactions);
            store.Append(block, block.Header.RaftIndex);
            hashes.AddRange(transactions.Select(Canonical.HashTransaction));
        }

        var committed = store.LogTree.CommittedSize;
        foreach (var hash in hashes)
        {
            // Act
            var leaf = store.FindTransactionLeaf(hash)!;
            var whole = store.FindTransaction(hash)!;

            // Assert: the same answer, and a proof at every later size verifies against that size's root.
            Assert.Multiple(() =>
            {
                Assert.That(leaf.TransactionHash, Is.EqualTo(whole.TransactionHash));
                Assert.That((leaf.Height, leaf.Position), Is.EqualTo((whole.Height, whole.Position)));
                Assert.That(leaf.Result, Is.EqualTo(whole.Result));
                Assert.That(leaf.Header, Is.EqualTo(whole.Header));
                Assert.That(leaf.LeafHash, Is.EqualTo(whole.LeafHash));
                Assert.That(leaf.LogInclusion, Is.EqualTo(whole.LogInclusion));
            });
            for (var size = leaf.LogInclusion.LeafIndex + 1; size <= committed; size++)
            {
                var proof = store.GetLogInclusionProof(leaf.Header, leaf.Position, size);
                Assert.That(
                    MerkleProofVerifier.CheckInclusion(Canonical.MerkleHasher, leaf.LogInclusion.LeafIndex, size, leaf.LeafHash, [.. proof.Path.Select(p => p.ToByteArray())], store.LogTree.GetRoot(size)),
                    Is.EqualTo(MerkleProofResult.Valid), $"leaf {leaf.LogInclusion.LeafIndex} at size {size}");
            }
        }
    }

    [Test]
    public void FindTransactionLeaf_ABatch_AllocatesAHundredthOfWhatItsRecordHolds()
    {
        // Arrange: a 10,000-item batch (~600 KB of detached items).
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var batch = TestChain.Transaction(1, 0);
        var items = new byte[BatchItems * BatchItemBytes];
        new Random(18).NextBytes(items);
        batch.DetachedItems = ByteString.CopyFrom(items);
        var block = TestChain.Next(store, [batch, TestChain.Transaction(1, 1)]);
        store.Append(block, block.Header.RaftIndex);
        var hash = Canonical.HashTransaction(batch);
        store.FindTransactionLeaf(hash); // the pooled read buffer is rented once

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        var leaf = store.FindTransactionLeaf(hash);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var wholeBefore = GC.GetAllocatedBytesForCurrentThread();
        store.FindTransaction(hash);
        var wholeAllocated = GC.GetAllocatedBytesForCurrentThread() - wholeBefore;

        // Assert
        Assert.That(leaf!.Result, Is.EqualTo(block.Results[0]));
        Assert.That(allocated, Is.LessThan(items.Length / 100), "the detached items are neither copied nor parsed");
        Assert.That(wholeAllocated, Is.GreaterThan(items.Length), "the whole read copies them (what proofs used to cost)");
    }

    [Test]
    public void FindTransactionLeaf_ABatch_ReadsItsResultRecordNotItsItems()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var (block, hash) = AppendBatch(store);
        var before = store.BlockRecordBytesRead;

        var leaf = store.FindTransactionLeaf(hash)!;

        var read = store.BlockRecordBytesRead - before;
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.LessThan(1_000), "header, hashes and the result record; not the ~600 KB record");
            Assert.That(leaf.Result, Is.EqualTo(block.Results[0]));
            Assert.That(leaf.LogInclusion, Is.EqualTo(store.FindTransaction(hash)!.LogInclusion));
            Assert.That(leaf.LeafHash, Is.EqualTo(store.LogTree.GetLeafHash(leaf.LogInclusion.LeafIndex)));
        });
    }

    [Test]
    public void FindTransactionLeaf_SmallTransaction_HasNoResultRecord()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        AppendBatch(store);

        Assert.That(database.Get(database.Blocks, BlockKeys.ResultKey(1, 0)), Is.Not.Null, "the batch has one");
        Assert.That(database.Get(database.Blocks, BlockKeys.ResultKey(1, 1)), Is.Null, "a record under 4 KB is read whole");
    }

    [Test]
    public void FindTransactionLeaf_AnyByteOfItsResultRecordFlipped_ThrowsStorageCorruptionNamingTheHeight()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var (_, hash) = AppendBatch(store);
        var key = BlockKeys.ResultKey(1, 0);
        var intact = database.Get(database.Blocks, key)!;

        for (var offset = 0; offset < intact.Length; offset++)
        {
            var damaged = (byte[])intact.Clone();
            damaged[offset] ^= 0x01;
            PutRaw(database, key, damaged);

            var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransactionLeaf(hash), $"byte {offset} of {intact.Length} flipped");

            Assert.That(error!.Height, Is.EqualTo(1UL), $"byte {offset}");
        }

        PutRaw(database, key, intact);
        Assert.That(store.FindTransactionLeaf(hash)!.Position, Is.EqualTo(0u), "the intact record reads again");
    }

    [Test]
    public void FindTransactionLeaf_ResultRecordResealedWithAnotherResult_ThrowsStorageCorruptionNamingTheLogRoot()
    {
        // A checksum valid for the key, a forged outcome: only the header's log_root can tell.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var (_, hash) = AppendBatch(store);
        var key = BlockKeys.ResultKey(1, 0);
        PutRaw(database, key, ResultRecord.Create(key, new TransactionResult { Code = ResultCode.Rejected, Reason = "forged" }));

        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransactionLeaf(hash));

        Assert.That(error!.Height, Is.EqualTo(1UL));
        Assert.That(error.Message, Does.Contain("log_root"));
    }

    [Test]
    public void FindTransactionLeaf_ResultRecordAbsent_ReadsTheTransactionRecordAndAgrees()
    {
        // Blocks written before result records existed have none.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        var (block, hash) = AppendBatch(store);
        var expected = store.FindTransactionLeaf(hash)!;
        using (var batch = new RocksDbSharp.WriteBatch())
        {
            batch.Delete(BlockKeys.ResultKey(1, 0), database.Blocks);
            database.Write(batch);
        }

        var before = store.BlockRecordBytesRead;
        var leaf = store.FindTransactionLeaf(hash)!;

        Assert.That(store.BlockRecordBytesRead - before, Is.GreaterThan(BatchItems * BatchItemBytes), "the whole record, as before");
        Assert.That(leaf.LogInclusion, Is.EqualTo(expected.LogInclusion));
        Assert.That(leaf.LeafHash, Is.EqualTo(expected.LeafHash));
        Assert.That(leaf.Result, Is.EqualTo(block.Results[0]));
    }

    [Test]
    public void FindTransactionLeaf_AnyByteOfItsRecordFlipped_ThrowsStorageCorruptionNamingTheHeight()
    {
        // Arrange: detached items too, so flips reach bytes only the record's checksum covers.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        AppendOne(store);
        var transaction = TestChain.Transaction(2, 0);
        transaction.DetachedItems = ByteString.CopyFrom(new byte[48]);
        var block = TestChain.Next(store, [transaction, TestChain.Transaction(2, 1)]);
        store.Append(block, block.Header.RaftIndex);
        var hash = Canonical.HashTransaction(transaction);
        var intact = TransactionRecords.ReadRaw(database, 2, 0);

        for (var offset = 0; offset < intact.Length; offset++)
        {
            var damaged = (byte[])intact.Clone();
            damaged[offset] ^= 0x01;
            TransactionRecords.WriteRaw(database, 2, 0, damaged);

            // Act
            var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransactionLeaf(hash), $"byte {offset} of {intact.Length} flipped");

            // Assert
            Assert.That(error!.Height, Is.EqualTo(2UL), $"byte {offset}");
        }

        TransactionRecords.WriteRaw(database, 2, 0, intact);
        Assert.That(store.FindTransactionLeaf(hash)!.Position, Is.EqualTo(0u), "the intact record reads again");
    }

    [Test]
    public void FindTransactionLeaf_ItsRecordResealedWithAnotherResult_ThrowsStorageCorruptionNamingTheLogRoot()
    {
        // Arrange: the right transaction, another outcome, a checksum valid for the key: only the header's log_root can tell.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        AppendOne(store);
        var block = store.GetBlock(1)!;
        TransactionRecords.Write(database, 1, 0, block.Transactions[0], new TransactionResult { Code = ResultCode.Rejected, Reason = "forged" });

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransactionLeaf(Canonical.HashTransaction(block.Transactions[0])));

        // Assert
        Assert.That(error!.Height, Is.EqualTo(1UL));
        Assert.That(error.Message, Does.Contain("log_root"));
    }

    [Test]
    public void FindTransactionLeaf_OtherTransactionResealedInItsPlace_ThrowsStorageCorruption()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        AppendOne(store);
        AppendOne(store);
        var victim = store.GetBlock(1)!.Transactions[0];
        var other = store.GetBlock(2)!;
        TransactionRecords.Write(database, 1, 0, other.Transactions[0], other.Results[0]);

        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransactionLeaf(Canonical.HashTransaction(victim)));

        Assert.That(error!.Height, Is.EqualTo(1UL));
        Assert.That(error.Message, Does.Contain("points at a different transaction"));
    }

    [Test]
    public void FindTransactionLeaf_UnknownHash_ReturnsNull()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, Canonical);
        AppendOne(store);

        Assert.That(store.FindTransactionLeaf(new byte[32]), Is.Null);
    }

    [Test]
    public void FindTransactionLeaf_HashingThatCoversDetachedItems_ReadsTheWholeRecordAndAgrees()
    {
        // The interim hashing hashes the whole protobuf (detached items included): the leaf-only read cannot apply.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var transaction = TestChain.Transaction(1, 0);
        transaction.DetachedItems = ByteString.CopyFrom(new byte[64]);
        var block = TestChain.Next(store, [transaction]);
        store.Append(block, block.Header.RaftIndex);
        var hash = TestChain.Hashing.HashTransaction(transaction);

        var leaf = store.FindTransactionLeaf(hash)!;

        Assert.That(leaf.LeafHash, Is.EqualTo(store.FindTransaction(hash)!.LeafHash));
        Assert.That(leaf.LogInclusion, Is.EqualTo(store.GetLogInclusionProof(1, 0)));
    }

    [TestCase(new byte[] { 0x0a, 0x01, 0xaa, 0x12, 0x01, 0xbb, 0x1a, 0x02, 0xcc, 0xdd }, 6, TestName = "HashedPrefixLength_AllThreeFields_EndsBeforeTheItems")]
    [TestCase(new byte[] { 0x0a, 0x01, 0xaa, 0x12, 0x01, 0xbb }, 6, TestName = "HashedPrefixLength_NoItems_IsTheWholeTransaction")]
    [TestCase(new byte[] { 0x1a, 0x01, 0xcc }, 0, TestName = "HashedPrefixLength_ItemsOnly_IsEmpty")]
    [TestCase(new byte[] { 0x12, 0x01, 0xbb, 0x0a, 0x01, 0xaa }, -1, TestName = "HashedPrefixLength_FieldsOutOfOrder_IsNotCanonical")]
    [TestCase(new byte[] { 0x0a, 0x01, 0xaa, 0x0a, 0x01, 0xaa }, -1, TestName = "HashedPrefixLength_FieldRepeated_IsNotCanonical")]
    [TestCase(new byte[] { 0x22, 0x01, 0xaa }, -1, TestName = "HashedPrefixLength_UnknownField_IsNotCanonical")]
    [TestCase(new byte[] { 0x08, 0x01 }, -1, TestName = "HashedPrefixLength_NotLengthDelimited_IsNotCanonical")]
    [TestCase(new byte[] { 0x0a, 0x05, 0xaa }, -1, TestName = "HashedPrefixLength_LengthPastTheEnd_IsNotCanonical")]
    public void HashedPrefixLength_Layouts(byte[] transaction, int expected)
    {
        Assert.That(TransactionRecord.HashedPrefixLength(transaction), Is.EqualTo(expected));
    }

    /// <summary>Block 1: a 10,000-item batch (~600 KB of detached items) and one small transaction.</summary>
    private static (Block Block, byte[] BatchHash) AppendBatch(BlockStore store)
    {
        var batch = TestChain.Transaction(1, 0);
        var items = new byte[BatchItems * BatchItemBytes];
        new Random(18).NextBytes(items);
        batch.DetachedItems = ByteString.CopyFrom(items);
        var block = TestChain.Next(store, [batch, TestChain.Transaction(1, 1)]);
        store.Append(block, block.Header.RaftIndex);
        return (block, Canonical.HashTransaction(batch));
    }

    private static void PutRaw(LedgerDatabase database, byte[] key, byte[] value)
    {
        using var batch = new RocksDbSharp.WriteBatch();
        batch.Put(key, value, database.Blocks);
        database.Write(batch);
    }

    private static void AppendOne(BlockStore store)
    {
        var block = TestChain.Next(store, 2);
        store.Append(block, block.Header.RaftIndex);
    }
}
