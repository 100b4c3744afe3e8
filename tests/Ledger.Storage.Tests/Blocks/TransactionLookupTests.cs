using Google.Protobuf;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>
/// A transaction found by hash is read on its own (its record, its block's header and hashes), and
/// what is read is checked against the hash-chained header before it is served.
/// </summary>
public sealed class TransactionLookupTests
{
    private const int BatchItems = 10_000;
    private const int BatchItemBytes = 60;

    [Test]
    public void FindTransaction_SmallTransactionBesideALargeBatch_ReadsOnlyItsRecordAndItsBlocksHeaderAndHashes()
    {
        // Arrange: block 2 holds a 10,000-item batch (~600 KB of detached items) and small transactions.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        var block = AppendBlockWithBatch(store, smallTransactions: 3);
        var small = block.Transactions[2];
        var expectedBytes = TransactionRecords.ReadRaw(database, 2, 2).Length
            + store.GetHeader(2)!.CalculateSize()
            + (2 * TestChain.Hashing.HashSizeBytes); // its block's hash and the previous block's, for the link check
        var before = store.BlockRecordBytesRead;

        // Act
        var found = store.FindTransaction(TestChain.Hashing.HashTransaction(small));

        // Assert
        var bytesRead = store.BlockRecordBytesRead - before;
        Assert.Multiple(() =>
        {
            Assert.That(found!.Transaction, Is.EqualTo(small));
            Assert.That(found.Position, Is.EqualTo(2u));
            Assert.That(bytesRead, Is.EqualTo(expectedBytes), "its own record, header and hashes, nothing of the batch");
            Assert.That(bytesRead, Is.LessThan(BatchItems * BatchItemBytes / 100));
        });
    }

    [Test]
    public void FindTransaction_TheBatchItself_ReadsItsOwnRecordWithItsItems()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var block = AppendBlockWithBatch(store, smallTransactions: 2);

        var found = store.FindTransaction(TestChain.Hashing.HashTransaction(block.Transactions[0]));

        Assert.That(found!.Transaction.DetachedItems, Is.EqualTo(block.Transactions[0].DetachedItems));
        Assert.That(found.Result, Is.EqualTo(block.Results[0]));
    }

    [Test]
    public void FindTransaction_ReturnsTheInclusionProofItVerifiedAgainstItsBlocksLogRoot()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 6);
        var transaction = store.GetBlock(4)!.Transactions[1];

        var found = store.FindTransaction(TestChain.Hashing.HashTransaction(transaction))!;

        Assert.That(found.Header, Is.EqualTo(store.GetHeader(4)));
        Assert.That(found.LogInclusion, Is.EqualTo(store.GetLogInclusionProof(4, 1)));
        Assert.That(found.LeafHash, Is.EqualTo(store.LogTree.GetLeafHash(found.LogInclusion.LeafIndex)));
        Assert.That(
            MerkleProofVerifier.CheckInclusion(TestChain.Hashing.MerkleHasher, found.LogInclusion.LeafIndex, found.LogInclusion.TreeSize, found.LeafHash, [.. found.LogInclusion.Path.Select(hash => hash.ToByteArray())], found.Header.LogRoot.Span),
            Is.EqualTo(MerkleProofResult.Valid));
    }

    [Test]
    public void FindTransaction_AnyByteOfItsRecordFlipped_ThrowsStorageCorruptionNamingTheHeight()
    {
        // Arrange: a small transaction with detached items, so the flips also reach bytes that neither
        // the transaction hash nor the log leaf covers (only the record's checksum does).
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        var transaction = TestChain.Transaction(2, 0);
        transaction.DetachedItems = ByteString.CopyFrom(new byte[48]);
        var block = TestChain.Next(store, [transaction, TestChain.Transaction(2, 1)]);
        store.Append(block, block.Header.RaftIndex);
        var hash = TestChain.Hashing.HashTransaction(transaction);
        var intact = TransactionRecords.ReadRaw(database, 2, 0);

        for (var offset = 0; offset < intact.Length; offset++)
        {
            var damaged = (byte[])intact.Clone();
            damaged[offset] ^= 0x01;
            TransactionRecords.WriteRaw(database, 2, 0, damaged);

            // Act
            var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransaction(hash), $"byte {offset} of {intact.Length} flipped");

            // Assert
            Assert.That(error!.Height, Is.EqualTo(2UL), $"byte {offset}");
            Assert.That(() => store.GetBlock(2), Throws.TypeOf<StorageCorruptionException>(), $"byte {offset}: a block read meets the same record");
        }

        TransactionRecords.WriteRaw(database, 2, 0, intact);
        Assert.That(store.FindTransaction(hash)!.Transaction, Is.EqualTo(transaction), "the intact record reads again");
    }

    [Test]
    public void FindTransaction_RecordSwappedWithAValidRecordOfAnotherBlock_ThrowsStorageCorruption()
    {
        // Arrange: the record of (3, 1) copied byte for byte over (2, 1): intact in itself, in the wrong place.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 4);
        var victim = store.GetBlock(2)!.Transactions[1];
        var other = store.GetBlock(3)!.Transactions[1];
        TransactionRecords.WriteRaw(database, 2, 1, TransactionRecords.ReadRaw(database, 3, 1));

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransaction(TestChain.Hashing.HashTransaction(victim)));

        // Assert
        Assert.That(error!.Height, Is.EqualTo(2UL));
        Assert.That(error.Message, Does.Contain("checksum"));
        Assert.That(() => store.GetBlock(2), Throws.TypeOf<StorageCorruptionException>().With.Property(nameof(StorageCorruptionException.Height)).EqualTo(2UL));
        Assert.That(store.FindTransaction(TestChain.Hashing.HashTransaction(other))!.Height, Is.EqualTo(3UL), "the original is intact");
    }

    [Test]
    public void FindTransaction_OtherTransactionResealedInItsPlace_ThrowsStorageCorruption()
    {
        // Arrange: another block's transaction written at (2, 1) with a checksum valid for that key (a bug, not a disk):
        // the index still sends the victim's hash there.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 4);
        var victim = store.GetBlock(2)!.Transactions[1];
        var other = store.GetBlock(3)!;
        TransactionRecords.Write(database, 2, 1, other.Transactions[1], other.Results[1]);

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransaction(TestChain.Hashing.HashTransaction(victim)));

        // Assert
        Assert.That(error!.Height, Is.EqualTo(2UL));
        Assert.That(error.Message, Does.Contain("points at a different transaction"));
    }

    [Test]
    public void FindTransaction_ItsRecordResealedWithAnotherResult_ThrowsStorageCorruptionNamingTheLogRoot()
    {
        // Arrange: the right transaction with a different outcome, checksum valid for the key: only the
        // chain (the leaf under the header's log_root) can tell.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 4);
        var block = store.GetBlock(2)!;
        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Ok), "precondition");
        TransactionRecords.Write(database, 2, 0, block.Transactions[0], new TransactionResult { Code = ResultCode.Rejected, Reason = "forged" });

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransaction(TestChain.Hashing.HashTransaction(block.Transactions[0])));

        // Assert
        Assert.That(error!.Height, Is.EqualTo(2UL));
        Assert.That(error.Message, Does.Contain("log_root"));
        Assert.That(() => store.GetBlock(2), Throws.TypeOf<StorageCorruptionException>().With.Message.Contains("tx_root"));
    }

    [Test]
    public void FindTransaction_TransactionRecordMissing_ThrowsStorageCorruption()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 3);
        var transaction = store.GetBlock(2)!.Transactions[0];
        using (var batch = new RocksDbSharp.WriteBatch())
        {
            batch.Delete(BlockKeys.TransactionKey(2, 0), database.Blocks);
            database.Write(batch);
        }

        var error = Assert.Throws<StorageCorruptionException>(() => store.FindTransaction(TestChain.Hashing.HashTransaction(transaction)));

        Assert.That(error!.Height, Is.EqualTo(2UL));
    }

    /// <summary>Appends a block whose first transaction carries a 10,000-item batch's worth of detached items, followed by small ones.</summary>
    private static Block AppendBlockWithBatch(BlockStore store, int smallTransactions)
    {
        var height = store.LatestHeight + 1;
        var batch = TestChain.Transaction(height, 0);
        var items = new byte[BatchItems * BatchItemBytes];
        new Random(18).NextBytes(items);
        batch.DetachedItems = ByteString.CopyFrom(items);
        var transactions = new List<SignedTransaction> { batch };
        for (var i = 1; i <= smallTransactions; i++)
        {
            transactions.Add(TestChain.Transaction(height, i));
        }

        var block = TestChain.Next(store, transactions);
        store.Append(block, block.Header.RaftIndex);
        return block;
    }
}
