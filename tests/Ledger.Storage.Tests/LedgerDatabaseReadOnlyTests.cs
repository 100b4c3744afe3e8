using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Tests;

/// <summary><see cref="LedgerDatabase.OpenReadOnly"/>: reads a store as it is, changes and creates nothing, and refuses what is no ledger.</summary>
public sealed class LedgerDatabaseReadOnlyTests
{
    private const string ChainId = "test-chain";

    [Test]
    public void OpenReadOnly_WhileAWriterHoldsIt_ReadsWhatWasWrittenAndRefusesWrites()
    {
        using var directory = new TempDirectory();
        using var writer = Open(directory.Path);
        Put(writer, "k", "v");

        using var reader = LedgerDatabase.OpenReadOnly(Options(directory.Path));
        using var write = new WriteBatch();
        write.Put("x"u8.ToArray(), "y"u8.ToArray(), reader.Meta);

        Assert.That(reader.IsReadOnly, Is.True);
        Assert.That(reader.Get(reader.Meta, "k"u8), Is.EqualTo("v"u8.ToArray()), "the writer's unflushed write-ahead log is read");
        Assert.Throws<RocksDbException>(() => reader.Write(write));
    }

    [Test]
    public void OpenReadOnly_LeavesEveryFileOfTheDirectoryAsItWas()
    {
        using var directory = new TempDirectory();
        using (var writer = Open(directory.Path))
        {
            Put(writer, "k", "v");
        }

        var before = Listing(directory.Path);
        using (var reader = LedgerDatabase.OpenReadOnly(Options(directory.Path)))
        {
            Assert.That(reader.Get(reader.Meta, "k"u8), Is.EqualTo("v"u8.ToArray()));
        }

        Assert.That(Listing(directory.Path), Is.EqualTo(before), "no LOG, OPTIONS, MANIFEST or WAL file was created or changed");
    }

    [Test]
    public void OpenReadOnly_MissingOrEmptyDirectory_IsRefusedAndNothingIsCreated()
    {
        using var directory = new TempDirectory();
        var missing = Path.Combine(directory.Path, "missing");

        Assert.Throws<DirectoryNotFoundException>(() => LedgerDatabase.OpenReadOnly(Options(missing)));
        var error = Assert.Throws<NotALedgerDatabaseException>(() => LedgerDatabase.OpenReadOnly(Options(directory.Path)));

        Assert.That(Directory.Exists(missing), Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(directory.Path), Is.Empty);
        Assert.That(error!.Message, Does.Contain("CURRENT"));
    }

    [Test]
    public void OpenReadOnly_RocksDbWithoutTheLedgersIdentity_IsNotALedger()
    {
        using var directory = new TempDirectory();
        using (RocksDb.Open(new DbOptions().SetCreateIfMissing(true), directory.Path))
        {
            // Some other program's RocksDB database.
        }

        Assert.Throws<NotALedgerDatabaseException>(() => LedgerDatabase.OpenReadOnly(Options(directory.Path)));
    }

    [Test]
    public void OpenReadOnly_AnotherChainsStore_ThrowsChainIdMismatch()
    {
        using var directory = new TempDirectory();
        Open(directory.Path).Dispose();

        Assert.Throws<ChainIdMismatchException>(() => LedgerDatabase.OpenReadOnly(Options(directory.Path) with { ChainId = "other-chain" }));
    }

    private static void Put(LedgerDatabase database, string key, string value)
    {
        using var batch = new WriteBatch();
        batch.Put(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value), database.Meta);
        database.Write(batch);
    }

    private static LedgerDatabaseOptions Options(string path) => new() { DataDirectory = path, ChainId = ChainId, SyncWrites = false, BlockCacheBytes = 8UL * 1024 * 1024 };

    private static LedgerDatabase Open(string path) => LedgerDatabase.Open(Options(path));

    private static List<string> Listing(string root) =>
        [.. new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(entry => $"{Path.GetRelativePath(root, entry.FullName)} {(entry is FileInfo file ? file.Length : -1)} {entry.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];
}
