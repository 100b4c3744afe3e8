using Ledger.Storage.Statistics;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Statistics;

/// <summary>What <see cref="LedgerDatabase.ReadStatistics"/> reports, and the memtable budget it shows being kept.</summary>
public sealed class StorageStatisticsTests
{
    private const string ChainId = "test-chain";
    private const ulong MiB = 1024 * 1024;

    [Test]
    public void ReadStatistics_FreshDatabase_ListsEveryColumnFamilyTheDerivedSimilarityIndexLastAndNoStop()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);

        var statistics = database.ReadStatistics();

        Assert.That(statistics.ColumnFamilies.Select(family => family.Name), Is.EqualTo(ColumnFamilyNames.All.Append(ColumnFamilyNames.SimilarityIndex)));
        Assert.That(statistics.WriteStopped, Is.False);
        Assert.That(statistics.BlockCacheBytes, Is.LessThanOrEqualTo(8 * MiB));
    }

    [Test]
    public void ReadStatistics_AfterSyncedPut_CountsMemtableAndWalBytes()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var before = database.ReadStatistics();

        Put(database, database.RegistryState, count: 100, valueBytes: 1_000);
        var after = database.ReadStatistics();

        Assert.That(after.MemtableBytes, Is.GreaterThan(before.MemtableBytes));
        Assert.That(after.WalBytes, Is.GreaterThanOrEqualTo(100UL * 1_000));
    }

    [Test]
    public void ReadStatistics_AfterFlush_CountsTableBytesOfTheWrittenFamilyOnly()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);

        Put(database, database.RegistryState, count: 100, valueBytes: 1_000);
        database.Flush();
        var statistics = database.ReadStatistics();

        Assert.That(Family(statistics, ColumnFamilyNames.RegistryState).SstBytes, Is.GreaterThan(0));
        Assert.That(Family(statistics, ColumnFamilyNames.MerkleNodes).SstBytes, Is.Zero);
        Assert.That(statistics.TotalFileBytes, Is.GreaterThanOrEqualTo(Family(statistics, ColumnFamilyNames.RegistryState).SstBytes));
    }

    [Test]
    public void ReadStatistics_AfterFlushAndCompaction_CountsTheBytesTheyWroteAndRead()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        Put(database, database.MerkleNodes, count: 100, valueBytes: 1_000);
        database.Flush();
        var flushed = database.ReadStatistics();
        Put(database, database.MerkleNodes, count: 100, valueBytes: 1_000);
        database.Flush();

        database.Rocks.CompactRange(null, null, database.MerkleNodes);
        var compacted = database.ReadStatistics();

        Assert.That(flushed.BackgroundWrittenBytes, Is.GreaterThanOrEqualTo(100UL * 1_000));
        Assert.That(compacted.BackgroundWrittenBytes, Is.GreaterThanOrEqualTo(flushed.BackgroundWrittenBytes + (200UL * 1_000)));
        Assert.That(compacted.CompactionReadBytes, Is.GreaterThanOrEqualTo(200UL * 1_000));
    }

    [Test]
    public void ReadStatistics_ReadsOfAFlushedFamily_CountBlockCacheMissesThenHits()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        Put(database, database.RegistryState, count: 100, valueBytes: 100);
        database.Flush();
        var before = database.ReadStatistics();

        // The first read of a table's block misses the cache (the block is read from the file); reading the same key again hits it.
        for (var round = 0; round < 3; round++)
        {
            Assert.That(database.Get(database.RegistryState, BitConverter.GetBytes(7)), Is.Not.Null);
        }

        var after = database.ReadStatistics();

        Assert.That(after.BlockCacheMisses, Is.GreaterThan(before.BlockCacheMisses), "the first read loads the block");
        Assert.That(after.BlockCacheHits, Is.GreaterThan(before.BlockCacheHits), "later reads find it in the cache");
    }

    [Test]
    public void ReadStatistics_LargeBlockFlushed_CountsBlobBytes()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);

        Put(database, database.Blocks, count: 4, valueBytes: (int)LedgerDatabase.BlobValueBytesMin * 4);
        database.Flush();
        var blocks = Family(database.ReadStatistics(), ColumnFamilyNames.Blocks);

        Assert.That(blocks.BlobBytes, Is.GreaterThan(0));
    }

    [Test]
    public void RaftLogCutFromTheFront_AfterTheNextFlush_ItsBlobFilesAreDropped()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var entryBytes = (int)LedgerDatabase.BlobValueBytesMin * 4;
        using (var entries = new WriteBatch())
        {
            var random = new Random(7);
            for (ulong index = 1; index <= 8; index++)
            {
                var value = new byte[entryBytes];
                random.NextBytes(value);
                entries.Put(BigEndianKey(index), value, database.RaftLog);
            }

            database.Write(entries, sync: true);
        }

        database.Flush();
        Assume.That(Family(database.ReadStatistics(), ColumnFamilyNames.RaftLog).BlobBytes, Is.GreaterThan(0));

        // What Raft log compaction does: one range deletion over the front of the log, then (some time later) a flush.
        using (var cut = new WriteBatch())
        {
            var from = BigEndianKey(1);
            var to = BigEndianKey(9);
            cut.DeleteRange(from, (ulong)from.Length, to, (ulong)to.Length, database.RaftLog);
            database.Write(cut, sync: true);
        }

        database.Flush();

        // The compaction that drops the references runs in the background right after the flush
        // (level-0 trigger 1); with RocksDB's default trigger of 4 files it would not run at all here.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Family(database.ReadStatistics(), ColumnFamilyNames.RaftLog).BlobBytes > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.That(Family(database.ReadStatistics(), ColumnFamilyNames.RaftLog).BlobBytes, Is.Zero);
    }

    private static byte[] BigEndianKey(ulong index)
    {
        var key = new byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key, index);
        return key;
    }

    [Test]
    public void Write_AcrossFamiliesPastTheMemtableBudget_FlushesUntilMemtablesFitTheBudget()
    {
        // Each family stays below its own write buffer (no family would flush on its own); together
        // they hold three times the budget. Only the shared budget (RocksDB's WriteBufferManager) makes RocksDB flush.
        using var directory = new TempDirectory();
        const ulong budget = 4 * MiB;
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = directory.Path,
            ChainId = ChainId,
            SyncWrites = false,
            BlockCacheBytes = 8 * MiB,
            MemtableBudgetBytes = budget,
            WriteBufferBytes = budget,
        });

        foreach (var family in new[] { database.RegistryState, database.TransactionIndex, database.MerkleNodes, database.Meta })
        {
            Put(database, family, count: 3_000, valueBytes: 1_000);
        }

        // The budget is checked as each write starts (one memtable switched to a flush per write) and
        // flushes run in the background: keep writing a little and wait (a bound on waiting, not on speed).
        var memtableBytes = ulong.MaxValue;
        for (var attempt = 0; attempt < 300 && memtableBytes > budget; attempt++)
        {
            Put(database, database.RaftState, count: 1, valueBytes: 10);
            memtableBytes = database.ReadStatistics().MemtableBytes;
            if (memtableBytes > budget)
            {
                Thread.Sleep(100);
            }
        }

        Assert.That(memtableBytes, Is.LessThanOrEqualTo(budget));
    }

    [Test]
    public void Open_StatisticsOn_TickerTableCarriesTheStallTicker()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);

        var text = database.StatisticsText();

        Assert.That(text, Does.Contain(StorageStatisticsReader.StallMicrosTicker + "0"));
    }

    [TestCase("rocksdb.block.cache.miss COUNT : 7\nrocksdb.stall.micros COUNT : 1234567\nrocksdb.x COUNT : 9", 1_234_567UL)]
    [TestCase("rocksdb.stall.micros COUNT : 0", 0UL)]
    [TestCase("rocksdb.block.cache.miss COUNT : 7", 0UL)]
    [TestCase("", 0UL)]
    [TestCase(null, 0UL)]
    public void StallMicroseconds_StatisticsText_ReadsTheStallTicker(string? text, ulong expected)
    {
        Assert.That(StorageStatisticsReader.StallMicroseconds(text), Is.EqualTo(expected));
    }

    private static ColumnFamilyStatistics Family(StorageStatistics statistics, string name) =>
        statistics.ColumnFamilies.Single(family => family.Name == name);

    private static void Put(LedgerDatabase database, ColumnFamilyHandle family, int count, int valueBytes)
    {
        var random = new Random(count);
        using var batch = new WriteBatch();
        for (var i = 0; i < count; i++)
        {
            var value = new byte[valueBytes];
            random.NextBytes(value);
            batch.Put(BitConverter.GetBytes(i), value, family);
        }

        database.Write(batch, sync: true);
    }

    private static LedgerDatabase Open(string path) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = ChainId, BlockCacheBytes = 8 * MiB });
}
