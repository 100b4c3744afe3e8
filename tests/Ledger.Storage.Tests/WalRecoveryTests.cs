using System.Text;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Tests;

/// <summary>
/// How a data directory opens after its write-ahead log was damaged on disk: a torn last record (a
/// crash mid-write) is dropped, damage anywhere before it fails the open instead of silently cutting
/// the log there and forgetting every later write.
/// </summary>
public sealed class WalRecoveryTests
{
    private const int Records = 200;

    private static LedgerDatabase Open(string path) => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = "test-chain" });

    /// <summary>Writes <see cref="Records"/> synced records (left in the WAL: closing does not flush) and returns the WAL file.</summary>
    private static string WriteRecordsAndClose(string path)
    {
        using (var database = Open(path))
        {
            for (var i = 0; i < Records; i++)
            {
                using var batch = new WriteBatch();
                batch.Put(Key(i), Encoding.UTF8.GetBytes(new string('v', 100) + i), database.RegistryState);
                database.Write(batch, sync: true);
            }
        }

        return Directory.GetFiles(path, "*.log").OrderByDescending(f => new FileInfo(f).Length).First();
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i:D4}");

    [Test]
    public void Open_ByteFlippedInTheMiddleOfTheWal_ThrowsStorageCorruptionWithTheRecovery()
    {
        using var directory = new TempDirectory();
        var wal = WriteRecordsAndClose(directory.Path);
        var bytes = File.ReadAllBytes(wal);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(wal, bytes);

        var error = Assert.Throws<StorageCorruptionException>(() => Open(directory.Path).Dispose());

        Assert.That(error!.Message, Does.Contain(LedgerDatabase.CorruptDirectoryRecovery));
    }

    [Test]
    public void Open_WalWithATornLastRecord_DropsOnlyThatRecord()
    {
        using var directory = new TempDirectory();
        var wal = WriteRecordsAndClose(directory.Path);
        using (var stream = new FileStream(wal, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 20);
        }

        using var database = Open(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(database.Get(database.RegistryState, Key(Records - 2)), Is.Not.Null, "the record before the torn one is kept");
            Assert.That(database.Get(database.RegistryState, Key(Records - 1)), Is.Null, "the torn record is dropped");
        });
    }
}
