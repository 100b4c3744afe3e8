using RocksDbSharp;

namespace Ledger.Storage.Tests;

/// <summary>
/// registry_state's bottommost level is LZ4 while its item chunks are in blob files and ZSTD while they are
/// inline (read back from the OPTIONS file RocksDB records at every open); blocks keep ZSTD; and a directory
/// whose bottommost files were written with ZSTD reads, and compacts, under the new setting (every table
/// file records its own compression).
/// </summary>
public sealed class RegistryStateBottommostCompressionTests
{
    private const string ChainId = "test-chain";

    [Test]
    public void Open_Defaults_RegistryStateBottommostIsLz4_BlocksKeepZstd()
    {
        using var directory = new TempDirectory();
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId }).Dispose();

        var recorded = RocksOptionsFile.ReadNewest(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "bottommost_compression"), Is.EqualTo("kLZ4Compression"));
            Assert.That(recorded.Family(ColumnFamilyNames.RegistryState, "compression"), Is.EqualTo("kLZ4Compression"));
            Assert.That(recorded.Family(ColumnFamilyNames.Blocks, "bottommost_compression"), Is.EqualTo("kZSTD"));
        });
    }

    [Test]
    public void Open_LargeValuesInline_RegistryStateBottommostStaysZstd()
    {
        using var directory = new TempDirectory();
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId, RegistryStateLargeValuesInBlobFiles = false }).Dispose();

        Assert.That(RocksOptionsFile.ReadNewest(directory.Path).Family(ColumnFamilyNames.RegistryState, "bottommost_compression"), Is.EqualTo("kZSTD"));
    }

    [Test]
    public void Open_DirectoryWithZstdBottommostFiles_ReadsAndCompactsThemUnderLz4()
    {
        using var directory = new TempDirectory();
        var older = Entries(seed: 1);
        var newer = Entries(seed: 2);
        using (var before = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId, RegistryStateBottommostCompressionOverride = Compression.Zstd }))
        {
            Put(before, older);
            before.Flush();
            before.Rocks.CompactRange(null, null, before.RegistryState);
        }

        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId });
        Put(database, newer);
        database.Flush();
        database.Rocks.CompactRange(null, null, database.RegistryState);

        Assert.Multiple(() =>
        {
            foreach (var (key, value) in older.Concat(newer))
            {
                Assert.That(database.Get(database.RegistryState, key), Is.EqualTo(value));
            }
        });
    }

    /// <summary>Content-hash index entries as the registry writes them: 0x40, suite, 32 random bytes → a 36-byte work id.</summary>
    private static List<(byte[] Key, byte[] Value)> Entries(int seed)
    {
        var random = new Random(seed);
        var entries = new List<(byte[] Key, byte[] Value)>();
        for (var i = 0; i < 500; i++)
        {
            var key = new byte[34];
            random.NextBytes(key);
            key[0] = 0x40;
            key[1] = 1;
            var value = new byte[36];
            random.NextBytes(value);
            entries.Add((key, value));
        }

        return entries;
    }

    private static void Put(LedgerDatabase database, List<(byte[] Key, byte[] Value)> entries)
    {
        using var batch = new WriteBatch();
        foreach (var (key, value) in entries)
        {
            batch.Put(key, value, database.RegistryState);
        }

        database.Write(batch);
    }
}
