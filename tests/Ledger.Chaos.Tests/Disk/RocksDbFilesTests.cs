using Ledger.Chaos.Disk;
using Ledger.Storage;
using RocksDbSharp;

namespace Ledger.Chaos.Tests.Disk;

public sealed class RocksDbFilesTests
{
    private string directory = "";

    [SetUp]
    public void SetUp() => directory = Directory.CreateTempSubdirectory("ledger-chaos-rocksdb-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(directory, recursive: true);

    [TestCase("000123.sst", RocksDbFileKind.Sst)]
    [TestCase("000045.blob", RocksDbFileKind.Blob)]
    [TestCase("000007.log", RocksDbFileKind.Wal)]
    [TestCase("MANIFEST-000005", RocksDbFileKind.Manifest)]
    [TestCase("CURRENT", RocksDbFileKind.Current)]
    [TestCase("OPTIONS-000009", RocksDbFileKind.Options)]
    public void Classify_RocksDbFileName_GivesItsKind(string fileName, RocksDbFileKind kind)
    {
        Assert.That(RocksDbFiles.Classify(fileName), Is.EqualTo(kind));
    }

    [TestCase("LOG")]
    [TestCase("LOG.old.1733490000000000")]
    [TestCase("LOCK")]
    [TestCase("IDENTITY")]
    [TestCase("MANIFEST-000005.dbtmp")]
    [TestCase("OPTIONS-000009.dbtmp")]
    public void Classify_InfoLogOrOtherFile_IsNotADataFile(string fileName)
    {
        Assert.That(RocksDbFiles.Classify(fileName), Is.Null);
    }

    [Test]
    public void Enumerate_RealLedgerDatabase_FindsEveryKind()
    {
        // Arrange: large block values go to blob files at flush; a write after the flush stays in the WAL.
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "chaos-test" }))
        {
            Write(database, key: 1, valueBytes: (int)LedgerDatabase.BlobValueBytesMin * 2);
            database.Flush();
            Write(database, key: 2, valueBytes: 100);
        }

        // Act
        var kinds = RocksDbFiles.Enumerate(directory).Where(f => f.LengthBytes > 0).Select(f => f.Kind).ToHashSet();

        // Assert
        Assert.That(kinds, Is.EquivalentTo(Enum.GetValues<RocksDbFileKind>()));
    }

    private static void Write(LedgerDatabase database, byte key, int valueBytes)
    {
        using var batch = new WriteBatch();
        batch.Put(new byte[] { key }, new byte[valueBytes], database.Blocks);
        database.Write(batch);
    }
}
