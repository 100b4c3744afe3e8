using System.Text;
using Ledger.Storage.Damage;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Damage;

/// <summary>
/// Every kind of damage to a data directory fails the open with one error naming the damaged part
/// and file — never a silent cut that would make a node forget writes it acknowledged (issue 16).
/// </summary>
public sealed class OpenDamageClassificationTests
{
    private const int Records = 200;

    /// <summary>Bytes of one large value: above <see cref="LedgerDatabase.BlobValueBytesMin"/>, so it goes to a blob file once flushed.</summary>
    private const int LargeValueBytes = 8 * 1024;

    private static LedgerDatabase Open(string path) => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = "test-chain" });

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i:D4}");

    /// <summary>Writes <see cref="Records"/> synced records and closes (left in the WAL: closing does not flush); returns the newest WAL file.</summary>
    private static string WriteRecordsToTheWal(string path)
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

    /// <summary>Writes small registry records and large block values, flushes them to table and blob files, and closes.</summary>
    private static void WriteRecordsToFiles(string path)
    {
        using var database = Open(path);
        for (var i = 0; i < Records; i++)
        {
            using var batch = new WriteBatch();
            batch.Put(Key(i), Encoding.UTF8.GetBytes(new string('v', 100) + i), database.RegistryState);
            batch.Put(Key(i), Enumerable.Repeat((byte)i, LargeValueBytes).ToArray(), database.Blocks);
            database.Write(batch, sync: true);
        }

        database.Flush();
    }

    private static void FlipByte(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    private static DataDirectoryDamagedException OpenExpectingDamage(string path) =>
        Assert.Throws<DataDirectoryDamagedException>(() => Open(path).Dispose())!;

    [Test]
    public void Open_ByteFlippedAtOffset2000OfTheWal_ThrowsWalDamageNamingTheFile()
    {
        using var directory = new TempDirectory();
        var wal = WriteRecordsToTheWal(directory.Path);
        FlipByte(wal, 2_000);

        var error = OpenExpectingDamage(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.WriteAheadLog), error.Message);
            Assert.That(error.FileName, Is.EqualTo(Path.GetFileName(wal)), error.Message);
            Assert.That(error.Message, Does.Contain(Path.GetFileName(wal)));
        });
    }

    [Test]
    public void Open_ByteFlippedInTheMiddleOfTheWal_ThrowsWalDamage()
    {
        using var directory = new TempDirectory();
        var wal = WriteRecordsToTheWal(directory.Path);
        FlipByte(wal, new FileInfo(wal).Length / 2);

        var error = OpenExpectingDamage(directory.Path);

        Assert.That(error.Part, Is.EqualTo(DamagedPart.WriteAheadLog), error.Message);
    }

    [Test]
    public void Open_WalWithItsLast300BytesCut_ThrowsWalDamageInsteadOfDroppingTheTail()
    {
        using var directory = new TempDirectory();
        var wal = WriteRecordsToTheWal(directory.Path);
        using (var stream = new FileStream(wal, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 300);
        }

        var error = OpenExpectingDamage(directory.Path);

        Assert.That(error.Part, Is.EqualTo(DamagedPart.WriteAheadLog), error.Message);
    }

    [Test]
    public void Open_ByteFlippedInTheManifest_ThrowsManifestDamageNamingTheFile()
    {
        using var directory = new TempDirectory();
        WriteRecordsToTheWal(directory.Path);
        var manifest = Directory.GetFiles(directory.Path, "MANIFEST-*").Single();
        FlipByte(manifest, new FileInfo(manifest).Length / 2);

        var error = OpenExpectingDamage(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.Manifest), error.Message);
            Assert.That(error.FileName, Is.EqualTo(Path.GetFileName(manifest)), error.Message);
        });
    }

    [Test]
    public void Open_ExistingDatabaseThatLostItsIdentityRecords_ThrowsDamageInsteadOfOpeningAsANewDatabase()
    {
        // Arrange: a database with data whose identity records are gone, as when RocksDB drops the records that list
        // its files (a MANIFEST cut short reads as a write torn by a crash). Before the fix it was stamped as a new,
        // empty database: issue #16's sweep saw a node come back at height 0 having noticed nothing.
        using var directory = new TempDirectory();
        WriteRecordsToFiles(directory.Path);
        using (var database = Open(directory.Path))
        {
            using var batch = new WriteBatch();
            batch.Delete("format_version"u8.ToArray(), database.Meta);
            batch.Delete("chain_id"u8.ToArray(), database.Meta);
            database.Write(batch, sync: true);
        }

        // Act
        var error = OpenExpectingDamage(directory.Path);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.Manifest));
            Assert.That(error.FileName, Does.StartWith("MANIFEST-"));
            Assert.That(error.Message, Does.Contain("existed but opened without its identity records"));
        });
    }

    [Test]
    public void Open_ByteFlippedInATableFile_ThrowsTableDamageNamingTheFile()
    {
        using var directory = new TempDirectory();
        WriteRecordsToFiles(directory.Path);
        var table = Directory.GetFiles(directory.Path, "*.sst").OrderByDescending(f => new FileInfo(f).Length).First();
        FlipByte(table, 100);

        var error = OpenExpectingDamage(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.TableFile), error.Message);
            Assert.That(error.FileName, Is.EqualTo(Path.GetFileName(table)), error.Message);
        });
    }

    [Test]
    public void Open_ByteFlippedInABlobFile_ThrowsBlobDamageNamingTheFile()
    {
        using var directory = new TempDirectory();
        WriteRecordsToFiles(directory.Path);
        var blob = Directory.GetFiles(directory.Path, "*.blob").Single();
        FlipByte(blob, new FileInfo(blob).Length / 2);

        var error = OpenExpectingDamage(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.BlobFile), error.Message);
            Assert.That(error.FileName, Is.EqualTo(Path.GetFileName(blob)), error.Message);
        });
    }

    [Test]
    public void Open_FormatVersionRecordMissing_ThrowsIdentityDamage()
    {
        using var directory = new TempDirectory();
        using (var database = Open(directory.Path))
        {
            using var batch = new WriteBatch();
            batch.Delete("format_version"u8.ToArray(), database.Meta);
            database.Write(batch, sync: true);
        }

        var error = OpenExpectingDamage(directory.Path);

        Assert.That(error.Part, Is.EqualTo(DamagedPart.Identity), error.Message);
    }

    [Test]
    public void Open_UndamagedDirectory_VerifiesEveryChecksum()
    {
        using var directory = new TempDirectory();
        WriteRecordsToFiles(directory.Path);

        using var database = Open(directory.Path);

        Assert.That(database.ChecksumsVerifiedAtOpen, Is.True);
    }

    [Test]
    public void Open_EachTime_BumpsTheIncarnation()
    {
        using var directory = new TempDirectory();
        ulong first;
        using (var database = Open(directory.Path))
        {
            first = database.Incarnation;
        }

        using var reopened = Open(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(1UL));
            Assert.That(reopened.Incarnation, Is.EqualTo(first + 1));
        });
    }

    [Test]
    public void Open_AfterDamageWasRecordedWhileRunning_ThrowsThatDamage()
    {
        using var directory = new TempDirectory();
        using (var database = Open(directory.Path))
        {
            database.RecordDamage(DamagedPart.Block, "block 7 body hashes to another tx_root");
        }

        var error = OpenExpectingDamage(directory.Path);

        Assert.Multiple(() =>
        {
            Assert.That(error.Part, Is.EqualTo(DamagedPart.Block));
            Assert.That(error.Message, Does.Contain("block 7 body hashes to another tx_root"));
        });
    }

    [Test]
    public void Open_DirectoryReplacedByAnEmptyOne_StillGivesAHigherIncarnationThroughTheFloor()
    {
        using var directory = new TempDirectory();
        ulong before;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = "test-chain", IncarnationFloor = 1_000 }))
        {
            before = database.Incarnation;
        }

        Directory.Delete(directory.Path, recursive: true);
        using var replaced = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = "test-chain", IncarnationFloor = 2_000 });

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1_000UL));
            Assert.That(replaced.Incarnation, Is.EqualTo(2_000UL));
        });
    }
}
