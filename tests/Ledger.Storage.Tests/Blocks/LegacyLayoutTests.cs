using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>
/// Whole-block records (format version 6): a directory stamped 6 is refused until migrated (FormatMigrationTests); one an
/// earlier build restamped 7 on open without rewriting its blocks still reads them (whole, checked as before), and new
/// blocks are written one record per transaction.
/// </summary>
public sealed class LegacyLayoutTests
{
    [Test]
    public void Open_Version6Directory_IsRefusedAndLeftAsItWas()
    {
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 3);
            LegacyLayout.Convert(database, store);
        }

        var error = Assert.Throws<FormatMigrationRequiredException>(() => TestChain.OpenDatabase(directory.Path));

        Assert.That(error!.StoredVersion, Is.EqualTo(LegacyLayout.FormatVersion));
        Assert.That(error.Message, Does.Contain("format version 6").And.Contain("does not upgrade a directory on its own"));
        using var migratable = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = TestChain.ChainId, OpenOlderFormatForMigration = true });
        Assert.That(LegacyLayout.StoredFormatVersion(migratable), Is.EqualTo(LegacyLayout.FormatVersion), "the refused open did not restamp it");
        Assert.That(migratable.StoredFormatVersion, Is.EqualTo(LegacyLayout.FormatVersion));
    }

    [Test]
    public void Open_Version6DirectoryRestampedVersion7ByAnEarlierBuild_ReadsItsWholeBlockRecords()
    {
        // Arrange: five blocks as version 6 stored them, stamped 7 as builds before the explicit migration did on open.
        using var directory = new TempDirectory();
        var blocks = new List<Block>();
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 5);
            blocks.AddRange(Enumerable.Range(1, 5).Select(height => store.GetBlock((ulong)height)!));
            LegacyLayout.Convert(database, store, stamp: LedgerDatabase.FormatVersion);
        }

        // Act
        using var reopened = TestChain.OpenDatabase(directory.Path);
        var reopenedStore = new BlockStore(reopened, TestChain.Hashing);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(reopened.Get(reopened.Blocks, LegacyLayout.BlockKey(3)), Is.Not.Null, "precondition: block 3 is stored whole");
            Assert.That(reopened.Get(reopened.Blocks, BlockKeys.TransactionKey(3, 0)), Is.Null, "precondition: and not per transaction");
        });
        for (var height = 1; height <= 5; height++)
        {
            Assert.That(reopenedStore.GetBlock((ulong)height), Is.EqualTo(blocks[height - 1]), $"block {height}");
        }

        var transaction = blocks[2].Transactions[1];
        var found = reopenedStore.FindTransaction(TestChain.Hashing.HashTransaction(transaction))!;
        Assert.That(found.Transaction, Is.EqualTo(transaction));
        Assert.That((found.Height, found.Position), Is.EqualTo((3UL, 1u)));
        Assert.That(found.LogInclusion, Is.EqualTo(reopenedStore.GetLogInclusionProof(3, 1)));
    }

    [Test]
    public void Append_AfterUpgradeFromVersion6_WritesPerTransactionRecordsAndBothLayoutsReadAndScanIntact()
    {
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 4);
            LegacyLayout.Convert(database, store, stamp: LedgerDatabase.FormatVersion);
        }

        using var reopened = TestChain.OpenDatabase(directory.Path);
        var reopenedStore = new BlockStore(reopened, TestChain.Hashing);
        var next = TestChain.Next(reopenedStore, 3);

        reopenedStore.Append(next, next.Header.RaftIndex);

        Assert.That(reopened.Get(reopened.Blocks, LegacyLayout.BlockKey(5)), Is.Null);
        Assert.That(reopened.Get(reopened.Blocks, BlockKeys.TransactionKey(5, 2)), Is.Not.Null);
        Assert.That(reopenedStore.GetBlock(5), Is.EqualTo(next));
        Assert.That(reopenedStore.FindTransaction(TestChain.Hashing.HashTransaction(next.Transactions[2]))!.Height, Is.EqualTo(5UL));
        Assert.That(reopenedStore.FindTransaction(TestChain.Hashing.HashTransaction(reopenedStore.GetBlock(2)!.Transactions[0]))!.Height, Is.EqualTo(2UL));
        var report = IntegrityScanner.Scan(reopened, TestChain.Hashing);
        Assert.That(report.IsIntact, Is.True, report.ToString());
        Assert.That(report.BlocksVerified, Is.EqualTo(5UL));
    }

    [Test]
    public void FindTransaction_InAWholeBlockRecordWithAFlippedByte_ThrowsStorageCorruptionNamingTheHeight()
    {
        // Arrange: the whole-block record of block 3 (version 6) with one byte of a transaction flipped.
        using var directory = new TempDirectory();
        byte[] transactionHash;
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 4);
            transactionHash = TestChain.Hashing.HashTransaction(store.GetBlock(3)!.Transactions[1]);
            LegacyLayout.Convert(database, store, stamp: LedgerDatabase.FormatVersion);
            var block = Block.Parser.ParseFrom(database.Get(database.Blocks, LegacyLayout.BlockKey(3))!);
            var envelope = block.Transactions[0].Envelope.ToByteArray();
            envelope[^1] ^= 0x01;
            block.Transactions[0].Envelope = Google.Protobuf.ByteString.CopyFrom(envelope);
            using var batch = new WriteBatch();
            batch.Put(LegacyLayout.BlockKey(3), Google.Protobuf.MessageExtensions.ToByteArray(block), database.Blocks);
            database.Write(batch);
        }

        using var reopened = TestChain.OpenDatabase(directory.Path);
        var reopenedStore = new BlockStore(reopened, TestChain.Hashing);

        // Act
        var error = Assert.Throws<StorageCorruptionException>(() => reopenedStore.FindTransaction(transactionHash));

        // Assert: the old layout is checked as before, by its block's tx_root.
        Assert.That(error!.Height, Is.EqualTo(3UL));
        Assert.That(error.Message, Does.Contain("tx_root"));
    }

    [Test]
    public void Open_Version5Directory_IsStillRefused()
    {
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path))
        {
            using var batch = new WriteBatch();
            var version = new byte[sizeof(uint)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(version, LedgerDatabase.OldestMigratableFormatVersion - 1);
            batch.Put("format_version"u8.ToArray(), version, database.Meta);
            database.Write(batch);
        }

        var error = Assert.Throws<IncompatibleFormatVersionException>(() => TestChain.OpenDatabase(directory.Path));

        Assert.That(error!.StoredVersion, Is.EqualTo(LedgerDatabase.OldestMigratableFormatVersion - 1));
    }
}
