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

    private static LedgerDatabase Open(string path, string chainId = ChainId) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = chainId });
}
