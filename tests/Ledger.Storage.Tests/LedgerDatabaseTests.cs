using System.Buffers.Binary;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Tests;

public sealed class LedgerDatabaseTests
{
    private const string ChainId = "test-chain";

    [Test]
    public void Open_FreshDirectory_CreatesEveryColumnFamily()
    {
        using var directory = new TempDirectory();

        using (var database = Open(directory.Path))
        {
            Assert.That(database.ChainId, Is.EqualTo(ChainId));
        }

        var families = RocksDb.ListColumnFamilies(new DbOptions(), directory.Path).ToArray();
        Assert.That(families, Is.SupersetOf(ColumnFamilyNames.All));
    }

    [Test]
    public void Open_SameDirectoryTwice_ThrowsDataDirectoryLockedNamingThePath()
    {
        using var directory = new TempDirectory();
        using var first = Open(directory.Path);

        var error = Assert.Throws<DataDirectoryLockedException>(() => Open(directory.Path));

        Assert.That(error!.DataDirectory, Is.EqualTo(Path.GetFullPath(directory.Path)));
        Assert.That(error.Message, Does.Contain(directory.Path));
    }

    [Test]
    public void Dispose_ReleasesTheLock_SoTheDirectoryReopens()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();

        using var reopened = Open(directory.Path);

        Assert.That(reopened.ChainId, Is.EqualTo(ChainId));
    }

    [Test]
    public void Open_DirectoryOfAnotherChain_ThrowsChainIdMismatch()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();

        var error = Assert.Throws<ChainIdMismatchException>(() => Open(directory.Path, "other-chain"));

        Assert.That(error!.StoredChainId, Is.EqualTo(ChainId));
        Assert.That(error.ExpectedChainId, Is.EqualTo("other-chain"));
    }

    [Test]
    public void Open_AfterAFailedIdentityCheck_LeavesTheDirectoryUnlocked()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();
        Assert.Throws<ChainIdMismatchException>(() => Open(directory.Path, "other-chain"));

        using var reopened = Open(directory.Path);

        Assert.That(reopened.ChainId, Is.EqualTo(ChainId));
    }

    [Test]
    public void Open_OtherFormatVersionOnDisk_ThrowsIncompatibleFormatVersion()
    {
        using var directory = new TempDirectory();
        using (var database = Open(directory.Path))
        {
            using var batch = new WriteBatch();
            var version = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(version, LedgerDatabase.FormatVersion + 1);
            batch.Put("format_version"u8, version, database.Meta);
            database.Write(batch);
        }

        var error = Assert.Throws<IncompatibleFormatVersionException>(() => Open(directory.Path));

        Assert.That(error!.StoredVersion, Is.EqualTo(LedgerDatabase.FormatVersion + 1));
        Assert.That(error.SupportedVersion, Is.EqualTo(LedgerDatabase.FormatVersion));
    }

    [Test]
    public void Write_ThenReopen_ValueIsDurable()
    {
        using var directory = new TempDirectory();
        using (var database = Open(directory.Path))
        {
            using var batch = new WriteBatch();
            batch.Put("k"u8, "v"u8, database.RegistryState);
            database.Write(batch);
        }

        using var reopened = Open(directory.Path);

        Assert.That(reopened.Get(reopened.RegistryState, "k"u8), Is.EqualTo("v"u8.ToArray()));
    }

    [Test]
    public void Options_SyncWrites_IsReflected()
    {
        using var directory = new TempDirectory();

        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = ChainId, SyncWrites = false });

        Assert.That(database.SyncWrites, Is.False);
    }

    [Test]
    public void Options_EmptyChainId_IsRejectedBeforeOpening()
    {
        using var directory = new TempDirectory();

        Assert.Throws<ArgumentException>(() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = "" }));
    }

    [TestCase(ColumnFamilyNames.Blocks)]
    [TestCase(ColumnFamilyNames.RaftLog)]
    public void Flush_LargeValueInBlocksOrRaftLog_GoesToABlobFileAndReadsBackAfterReopen(string family)
    {
        using var directory = new TempDirectory();
        var large = new byte[LedgerDatabase.BlobValueBytesMin + 1];
        new Random(7).NextBytes(large);
        var small = new byte[] { 1, 2, 3 };

        using (var database = Open(directory.Path))
        {
            var handle = FamilyOf(database, family);
            using var batch = new WriteBatch();
            batch.Put("large"u8.ToArray(), large, handle);
            batch.Put("small"u8.ToArray(), small, handle);
            database.Write(batch);
            database.Flush();

            Assert.That(database.GetProperty("rocksdb.num-blob-files", handle), Is.EqualTo("1"), "the large value is separated at flush");
        }

        using var reopened = Open(directory.Path);
        var reopenedHandle = FamilyOf(reopened, family);
        Assert.That(reopened.Get(reopenedHandle, "large"u8), Is.EqualTo(large));
        Assert.That(reopened.Get(reopenedHandle, "small"u8), Is.EqualTo(small));
        Assert.That(Directory.GetFiles(directory.Path, "*.blob"), Has.Length.EqualTo(1));
    }

    [TestCase(ColumnFamilyNames.TransactionIndex)]
    [TestCase(ColumnFamilyNames.MerkleNodes)]
    [TestCase(ColumnFamilyNames.Meta)]
    public void Flush_LargeValueInOtherFamilies_StaysInTheSstFiles(string family)
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var handle = FamilyOf(database, family);
        using var batch = new WriteBatch();
        batch.Put("large"u8.ToArray(), new byte[LedgerDatabase.BlobValueBytesMin * 2], handle);
        database.Write(batch);
        database.Flush();

        Assert.That(database.GetProperty("rocksdb.num-blob-files", handle), Is.EqualTo("0"));
        Assert.That(database.Get(handle, "large"u8), Has.Length.EqualTo(LedgerDatabase.BlobValueBytesMin * 2));
    }

    [Test]
    public void Open_IncompressibleFamilies_AreWrittenWithoutCompression()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();

        // RocksDB records each family's options in the OPTIONS file it writes on open.
        var optionsFile = Directory.GetFiles(directory.Path, "OPTIONS-*").Max()!;
        var compressionByFamily = new Dictionary<string, string>();
        string? current = null;
        foreach (var line in File.ReadLines(optionsFile))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("[CFOptions \"", StringComparison.Ordinal))
            {
                current = trimmed["[CFOptions \"".Length..^2];
            }
            else if (current is not null && trimmed.StartsWith("compression=", StringComparison.Ordinal))
            {
                compressionByFamily[current] = trimmed["compression=".Length..];
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(compressionByFamily[ColumnFamilyNames.Blocks], Is.EqualTo("kNoCompression"));
            Assert.That(compressionByFamily[ColumnFamilyNames.RaftLog], Is.EqualTo("kNoCompression"));
            Assert.That(compressionByFamily[ColumnFamilyNames.TransactionIndex], Is.EqualTo("kNoCompression"));
            Assert.That(compressionByFamily[ColumnFamilyNames.MerkleNodes], Is.EqualTo("kNoCompression"));
            Assert.That(compressionByFamily[ColumnFamilyNames.RegistryState], Is.EqualTo("kLZ4Compression"));
        });
    }

    [Test]
    public void GetMany_UnsortedKeysSharingLongPrefixes_AnswersEachKeyAsGet()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var random = new Random(5);
        var stored = new List<byte[]>();
        using (var batch = new WriteBatch())
        {
            for (var i = 0; i < 3_000; i++)
            {
                // Every key starts with the same 10 bytes, as a batch's content-hash keys share their key space.
                var key = "content-ha"u8.ToArray().Concat(BitConverter.GetBytes(random.Next())).ToArray();
                stored.Add(key);
                batch.Put(key, BitConverter.GetBytes(i), database.RegistryState);
            }

            database.Write(batch);
        }

        database.Flush();
        var queried = stored.Take(1_000)
            .Concat(Enumerable.Range(0, 1_000).Select(i => "content-ha"u8.ToArray().Concat(BitConverter.GetBytes(-1 - i)).ToArray()))
            .Concat(stored.Take(10))
            .OrderBy(_ => random.Next())
            .ToArray();
        var values = new byte[]?[queried.Length];

        database.GetMany(database.RegistryState, queried, values);

        for (var i = 0; i < queried.Length; i++)
        {
            Assert.That(values[i], Is.EqualTo(database.Get(database.RegistryState, queried[i])), $"key {Convert.ToHexString(queried[i])}");
        }

        Assert.That(values.Count(v => v is null), Is.EqualTo(1_000));
    }

    private static ColumnFamilyHandle FamilyOf(LedgerDatabase database, string family) => family switch
    {
        ColumnFamilyNames.Blocks => database.Blocks,
        ColumnFamilyNames.RaftLog => database.RaftLog,
        ColumnFamilyNames.RegistryState => database.RegistryState,
        ColumnFamilyNames.TransactionIndex => database.TransactionIndex,
        ColumnFamilyNames.MerkleNodes => database.MerkleNodes,
        ColumnFamilyNames.Meta => database.Meta,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a ledger column family"),
    };

    private static LedgerDatabase Open(string path, string chainId = ChainId) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = chainId });
}
