using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using Ledger.Storage.Tests.Blocks;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Integrity;

public sealed class IntegrityScannerTests
{
    private const int BlockCount = 30;

    [Test]
    public void Scan_IntactChain_VerifiesEveryBlock()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
        var progress = new List<ulong>();

        var report = IntegrityScanner.Scan(database, TestChain.Hashing, new SynchronousProgress(progress));

        Assert.That(report.IsIntact, Is.True, report.ToString());
        Assert.That(report.BlocksVerified, Is.EqualTo((ulong)BlockCount));
        Assert.That(progress, Has.Count.EqualTo(BlockCount));
        Assert.That(report.ThrowIfCorrupt, Throws.Nothing);
    }

    [Test]
    public void Scan_EmptyStore_IsIntact()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.IsIntact, Is.True);
        Assert.That(report.BlocksVerified, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(57)]
    [TestCase(-1)]
    public void Scan_OneByteOfAStoredBlockFlipped_NamesThatHeight(int byteOffset)
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
        const ulong damagedHeight = 17;
        var value = TransactionRecords.ReadRaw(database, damagedHeight, 0);
        value[byteOffset >= 0 ? byteOffset : value.Length + byteOffset] ^= 0x10;
        TransactionRecords.WriteRaw(database, damagedHeight, 0, value);

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.IsIntact, Is.False);
        Assert.That(report.FirstBadHeight, Is.EqualTo(damagedHeight), report.ToString());
        Assert.That(report.BlocksVerified, Is.EqualTo(damagedHeight - 1));
        Assert.That(report.ThrowIfCorrupt, Throws.TypeOf<StorageCorruptionException>().With.Property(nameof(StorageCorruptionException.Height)).EqualTo(damagedHeight));
    }

    [Test]
    public void Scan_OneTransactionRecordDeleted_ReportsItMissingAtThatHeight()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        const ulong damagedHeight = 13;
        Assert.That(store.GetHeader(damagedHeight)!.TxCount, Is.GreaterThan(2u), "precondition: a record in the middle");
        using (var batch = new WriteBatch())
        {
            batch.Delete(BlockKeys.TransactionKey(damagedHeight, 1), database.Blocks);
            database.Write(batch);
        }

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.FirstBadHeight, Is.EqualTo(damagedHeight), report.ToString());
        Assert.That(report.Failure, Is.EqualTo(IntegrityFailure.MissingRecord));
    }

    [Test]
    public void Scan_ABatchsResultRecordForgedWithAValidChecksum_ReportsItAtThatHeight()
    {
        // Arrange: block 2 holds a batch (a record over 4 KB, so it has a result record), block 3 follows.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 1);
        var batch = TestChain.Transaction(2, 0);
        batch.DetachedItems = Google.Protobuf.ByteString.CopyFrom(new byte[8_000]);
        var block = TestChain.Next(store, [batch, TestChain.Transaction(2, 1)]);
        store.Append(block, block.Header.RaftIndex);
        TestChain.AppendBlocks(store, 1);
        Assert.That(IntegrityScanner.Scan(database, TestChain.Hashing).IsIntact, Is.True, "precondition: intact with its result record");
        var key = BlockKeys.ResultKey(2, 0);
        Put(database, database.Blocks, key, ResultRecord.Create(key, new Ledger.Core.Protocol.TransactionResult { Code = Ledger.Core.Protocol.ResultCode.Rejected, Reason = "forged" }));

        // Act
        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        // Assert
        Assert.That(report.FirstBadHeight, Is.EqualTo(2UL), report.ToString());
        Assert.That(report.Failure, Is.EqualTo(IntegrityFailure.MalformedRecord));
    }

    [Test]
    public void Scan_OneByteOfAWholeBlockRecordOfFormatVersion6Flipped_NamesThatHeight()
    {
        using var directory = new TempDirectory();
        using (var original = TestChain.OpenDatabase(directory.Path))
        {
            var store = new BlockStore(original, TestChain.Hashing);
            TestChain.AppendBlocks(store, BlockCount);
            LegacyLayout.Convert(original, store, stamp: LedgerDatabase.FormatVersion);
        }

        using var database = TestChain.OpenDatabase(directory.Path);
        const ulong damagedHeight = 17;
        var value = database.Get(database.Blocks, LegacyLayout.BlockKey(damagedHeight))!;
        value[^1] ^= 0x10;
        Put(database, database.Blocks, LegacyLayout.BlockKey(damagedHeight), value);

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.FirstBadHeight, Is.EqualTo(damagedHeight), report.ToString());
        Assert.That(report.BlocksVerified, Is.EqualTo(damagedHeight - 1));
    }

    [Test]
    public void Scan_BlockRewrittenWithConsistentHeaderAndHash_ReportsTheBrokenChain()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
        var header = BlockHeader.Parser.ParseFrom(database.Get(database.Blocks, BlockKey('H', 9))!);
        header.TimestampUnixMs += 1;
        Put(database, database.Blocks, BlockKey('H', 9), header.ToByteArray());
        Put(database, database.Blocks, BlockKey('X', 9), TestChain.Hashing.HashHeader(header));

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.FirstBadHeight, Is.EqualTo(10UL), report.ToString());
        Assert.That(report.Failure, Is.EqualTo(IntegrityFailure.BrokenLink));
    }

    [Test]
    public void Scan_TransactionIndexEntryDeleted_NamesThatHeight()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        var transactionHash = TestChain.Hashing.HashTransaction(store.GetBlock(12)!.Transactions[0]);
        using (var batch = new WriteBatch())
        {
            batch.Delete(transactionHash, database.TransactionIndex);
            database.Write(batch);
        }

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.FirstBadHeight, Is.EqualTo(12UL), report.ToString());
        Assert.That(report.Failure, Is.EqualTo(IntegrityFailure.TransactionIndexMismatch));
    }

    [Test]
    public void Scan_StoredLogTreeTileDamaged_IsReported()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
        var tileKey = new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
        var tile = database.Get(database.MerkleNodes, tileKey)!;
        tile[5] ^= 1;
        Put(database, database.MerkleNodes, tileKey, tile);

        var report = IntegrityScanner.Scan(database, TestChain.Hashing);

        Assert.That(report.IsIntact, Is.False);
        Assert.That(report.Failure, Is.EqualTo(IntegrityFailure.StoredLogTreeMismatch), report.ToString());
    }

    [TestCase(false, TestName = "SstFilesDamagedOnDisk_EveryFile_AreDetectedAsCorruption")]
    [TestCase(true, TestName = "SstFilesDamagedOnDisk_OnlyDataBlocksOfTheLargestFile_AreDetectedAsCorruption")]
    public void SstFilesDamagedOnDisk_AreDetectedAsCorruption_NeverAWrongAnswer(bool largestFileDataOnly)
    {
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path, syncWrites: true))
        {
            TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
            database.Flush();
        }

        var sstFiles = Directory.GetFiles(directory.Path, "*.sst");
        Assert.That(sstFiles, Is.Not.Empty, "the flush wrote SST files");
        if (largestFileDataOnly)
        {
            // Only the leading data blocks: metadata stays readable, so the file opens and reads must catch it.
            FlipBytes(sstFiles.OrderByDescending(file => new FileInfo(file).Length).First(), endFraction: 4);
        }
        else
        {
            foreach (var file in sstFiles)
            {
                FlipBytes(file, endFraction: 2);
            }
        }

        var outcome = OpenAndScan(directory.Path);

        TestContext.Out.WriteLine(outcome);
        Assert.That(outcome, Is.Not.Null.And.Not.Empty, "corruption must surface as an error, not pass a scan");
    }

    /// <summary>Opens, builds the store and scans; returns how the corruption surfaced (null when it did not).</summary>
    private static string? OpenAndScan(string path)
    {
        try
        {
            using var database = TestChain.OpenDatabase(path);
            _ = new BlockStore(database, TestChain.Hashing);
            var report = IntegrityScanner.Scan(database, TestChain.Hashing);
            return report.IsIntact ? null : report.ToString();
        }
        catch (StorageCorruptionException e)
        {
            return e.Message;
        }
    }

    private static void FlipBytes(string file, int endFraction)
    {
        var bytes = File.ReadAllBytes(file);

        // Data blocks come first in an SST; the index and footer at the end stay intact.
        for (var offset = 16; offset < bytes.Length / endFraction; offset += 61)
        {
            bytes[offset] ^= 0x5A;
        }

        File.WriteAllBytes(file, bytes);
    }

    private static byte[] BlockKey(char kind, ulong height)
    {
        var key = new byte[9];
        key[0] = (byte)kind;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        return key;
    }

    private static void Put(LedgerDatabase database, ColumnFamilyHandle family, byte[] key, byte[] value)
    {
        using var batch = new WriteBatch();
        batch.Put(key, value, family);
        database.Write(batch);
    }

    private sealed class SynchronousProgress(List<ulong> reports) : IProgress<ulong>
    {
        public void Report(ulong value) => reports.Add(value);
    }
}
