using RocksDbSharp;

namespace Ledger.Storage.Tests;

/// <summary>
/// The compaction settings of issue #18 reach RocksDB (read back from the OPTIONS file it records at
/// every open), and a directory written under the earlier settings still opens and reads under the new
/// ones (options only: no key or value layout changed).
/// </summary>
public sealed class CompactionOptionsTests
{
    private const string ChainId = "test-chain";
    private static readonly byte[] ChunkKey = [0x48, 1, 2, 3];

    [Test]
    public void Open_Defaults_RegistryStateKeepsLargeValuesInBlobFiles()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();

        var recorded = RocksOptionsFile.ReadNewest(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "enable_blob_files"), Is.EqualTo("true"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "min_blob_size"), Is.EqualTo(LedgerDatabase.BlobValueBytesMin.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "blob_compression_type"), Is.EqualTo("kZSTD"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "enable_blob_garbage_collection"), Is.EqualTo("false"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "level0_file_num_compaction_trigger"), Is.EqualTo("8"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "compaction_style"), Is.EqualTo("kCompactionStyleLevel"));
        });
    }

    [Test]
    public void Flush_LargeRegistryValue_GoesToABlobFileAndReadsBack()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var chunk = Chunk(seed: 1);

        Put(database, ChunkKey, chunk);
        database.Flush();

        Assert.That(database.GetProperty("rocksdb.num-blob-files", database.RegistryState), Is.EqualTo("1"));
        Assert.That(database.Get(database.RegistryState, ChunkKey), Is.EqualTo(chunk));
    }

    [Test]
    public void Flush_LargeValuesInBlobFilesOff_KeepsRegistryValuesInline()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path, largeValuesInBlobFiles: false);

        Put(database, ChunkKey, Chunk(seed: 1));
        database.Flush();

        Assert.That(database.GetProperty("rocksdb.num-blob-files", database.RegistryState), Is.EqualTo("0"));
        Assert.That(RocksOptionsFile.ReadNewest(directory.Path).Family(ColumnFamilyNames.RegistryState, "enable_blob_files"), Is.EqualTo("false"));
    }

    [Test]
    public void Open_DirectoryWrittenWithInlineValues_ReadsThemAndAddsBlobFilesAfterIt()
    {
        using var directory = new TempDirectory();
        var older = Chunk(seed: 1);
        var newer = Chunk(seed: 2);
        byte[] newerKey = [0x48, 9, 9, 9];
        using (var before = Open(directory.Path, largeValuesInBlobFiles: false))
        {
            Put(before, ChunkKey, older);
            before.Flush();
        }

        using var database = Open(directory.Path);
        Put(database, newerKey, newer);
        database.Flush();
        database.Rocks.CompactRange(null, null, database.RegistryState);

        Assert.Multiple(() =>
        {
            Assert.That(database.Get(database.RegistryState, ChunkKey), Is.EqualTo(older));
            Assert.That(database.Get(database.RegistryState, newerKey), Is.EqualTo(newer));
            Assert.That(database.GetProperty("rocksdb.num-blob-files", database.RegistryState), Is.Not.EqualTo("0"));
        });
    }

    [Test]
    public void Open_SubcompactionsAndBaseLevelTarget_AreWhatRocksDbRuns()
    {
        using var directory = new TempDirectory();
        LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = directory.Path,
            ChainId = ChainId,
            SubcompactionsMax = 3,
            LevelBaseBytes = 512UL * 1024 * 1024,
        }).Dispose();

        var recorded = RocksOptionsFile.ReadNewest(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(recorded.Database("max_subcompactions"), Is.EqualTo("3"));
            foreach (var family in ColumnFamilyNames.All)
            {
                Assert.That(recorded.Family(family, "max_bytes_for_level_base"), Is.EqualTo((512UL * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)), family);
                Assert.That(recorded.Family(family, "level_compaction_dynamic_level_bytes"), Is.EqualTo("true"), family);
            }
        });
    }

    [Test]
    public void Open_RegistryStateTriggerUpperCompressionAndTableFiles_AreWhatRocksDbRuns()
    {
        using var directory = new TempDirectory();
        LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = directory.Path,
            ChainId = ChainId,
            RegistryStateLevel0FilesCompactionTrigger = 6,
            RegistryStateLevelSizeMultiplier = 5,
            RegistryStateUpperLevelsCompressed = false,
            TableFileBytes = 32UL * 1024 * 1024,
        }).Dispose();

        var recorded = RocksOptionsFile.ReadNewest(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "level0_file_num_compaction_trigger"), Is.EqualTo("6"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "max_bytes_for_level_multiplier"), Does.StartWith("5"));
            Assert.That(recorded.Family(ColumnFamilyNames.Blocks, "max_bytes_for_level_multiplier"), Does.StartWith("10"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "compression"), Is.EqualTo("kNoCompression"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "bottommost_compression"), Is.EqualTo("kLZ4Compression"));
            // The other families keep their own settings.
            Assert.That(recorded.Family(ColumnFamilyNames.Blocks, "level0_file_num_compaction_trigger"), Is.EqualTo("4"));
            foreach (var family in ColumnFamilyNames.All)
            {
                Assert.That(recorded.Family(family, "target_file_size_base"), Is.EqualTo((32UL * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)), family);
            }
        });
    }

    [Test]
    public void Open_DirectoryWrittenWithCompressedUpperLevels_ReadsUnderUncompressedOnes()
    {
        using var directory = new TempDirectory();
        byte[] olderKey = [0x0a, 1, 2, 3];
        byte[] newerKey = [0x0a, 4, 5, 6];
        var olderValue = new byte[36];
        var newerValue = new byte[36];
        new Random(3).NextBytes(olderValue);
        new Random(4).NextBytes(newerValue);
        using (var before = Open(directory.Path))
        {
            Put(before, olderKey, olderValue);
            before.Flush();
        }

        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId, RegistryStateUpperLevelsCompressed = false, RegistryStateLevel0FilesCompactionTrigger = 8 });
        Put(database, newerKey, newerValue);
        database.Flush();
        database.Rocks.CompactRange(null, null, database.RegistryState);

        Assert.Multiple(() =>
        {
            Assert.That(database.Get(database.RegistryState, olderKey), Is.EqualTo(olderValue));
            Assert.That(database.Get(database.RegistryState, newerKey), Is.EqualTo(newerValue));
        });
    }

    /// <summary>A batch item chunk's size (256 items of ~55 bytes), not all zero so compression does not hide it.</summary>
    private static byte[] Chunk(int seed)
    {
        var bytes = new byte[14_000];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void Put(LedgerDatabase database, byte[] key, byte[] value)
    {
        using var batch = new WriteBatch();
        batch.Put(key, value, database.RegistryState);
        database.Write(batch);
    }

    private static LedgerDatabase Open(string path, bool largeValuesInBlobFiles = true) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = ChainId, RegistryStateLargeValuesInBlobFiles = largeValuesInBlobFiles });
}
