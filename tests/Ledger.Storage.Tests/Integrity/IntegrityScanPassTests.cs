using Ledger.Storage.Blocks;
using Ledger.Storage.Damage;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using Ledger.Storage.Tests.Blocks;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Integrity;

/// <summary>
/// The running node's integrity scan, one bounded slice at a time: an intact store passes a whole
/// pass, damage that reads and open checks did not see is found within one pass, and a snapshot
/// install under the pass makes it begin again instead of reporting damage that is not there.
/// </summary>
public sealed class IntegrityScanPassTests
{
    private const int BlockCount = 30;

    // Small slices, so a pass takes many of them and resumes across slice boundaries.
    private const int BlocksPerSlice = 4;
    private const long BytesPerSlice = 2 * 1024;

    // A pass over BlockCount small blocks and the swept families ends well within this many slices.
    private const int SlicesMax = 10_000;

    [Test]
    public void RunSlice_IntactStore_CompletesOnePassWithoutDamage()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        var pass = new IntegrityScanPass(database, store);

        var (slices, damage, bytes) = RunToEnd(pass);

        Assert.Multiple(() =>
        {
            Assert.That(damage, Is.Null, damage?.Message);
            Assert.That(pass.IsComplete, Is.True);
            Assert.That(pass.NextHeight, Is.EqualTo((ulong)BlockCount + 1), "every block verified");
            Assert.That(slices, Is.GreaterThan(BlockCount / BlocksPerSlice), "the pass resumed across many slices");
            Assert.That(bytes, Is.GreaterThan(0));
        });
    }

    [TestCase(0)]
    [TestCase(57)]
    [TestCase(-1)]
    public void RunSlice_OneByteOfAStoredBlockFlipped_FoundWithinOnePassNamingTheHeight(int byteOffset)
    {
        // Arrange: the flipped value is written through RocksDB, so its own checksums are valid and
        // only the chain's hashes can tell.
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        const ulong damagedHeight = 17;
        var value = TransactionRecords.ReadRaw(database, damagedHeight, 0);
        value[byteOffset >= 0 ? byteOffset : value.Length + byteOffset] ^= 0x10;
        TransactionRecords.WriteRaw(database, damagedHeight, 0, value);
        var pass = new IntegrityScanPass(database, store);

        // Act
        var (_, damage, _) = RunToEnd(pass);

        // Assert
        Assert.That(damage, Is.Not.Null, "a whole pass must find the flipped block");
        Assert.Multiple(() =>
        {
            Assert.That(damage!.Height, Is.EqualTo(damagedHeight), damage.Message);
            Assert.That(damage.Message, Does.StartWith(IntegrityScanPass.FoundBy));
            Assert.That(pass.IsComplete, Is.False, "the pass stops at the damage");
        });
    }

    [Test]
    public void RunSlice_TransactionIndexEntryDeleted_FoundAtItsBlock()
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

        var (_, damage, _) = RunToEnd(new IntegrityScanPass(database, store));

        Assert.That(damage?.Height, Is.EqualTo(12UL), damage?.Message);
    }

    [Test]
    public void RunSlice_TableFileFlippedOnDisk_ChecksAtOpenSkippedForSize_FoundWithinOnePass()
    {
        // Arrange: a closed store's largest table file gets bytes flipped in its leading data blocks, and
        // it is reopened as a large store would be (no checksum verification at open).
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path, syncWrites: true))
        {
            TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), BlockCount);
            database.Flush();
        }

        var largest = Directory.GetFiles(directory.Path, "*.sst").OrderByDescending(file => new FileInfo(file).Length).First();
        FlipLeadingDataBytes(largest);
        using var reopened = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = TestChain.ChainId, VerifyAtOpenBytesMax = 0 });
        Assert.That(reopened.ChecksumsVerifiedAtOpen, Is.False, "precondition: open did not read the tables");
        var store = new BlockStore(reopened, TestChain.Hashing);

        // Act
        var (_, damage, _) = RunToEnd(new IntegrityScanPass(reopened, store));

        // Assert: RocksDB's checksum caught it on the walk's read, naming the file; never a pass over damaged data.
        Assert.That(damage, Is.TypeOf<DataDirectoryDamagedException>(), damage?.Message);
        var found = (DataDirectoryDamagedException)damage!;
        Assert.Multiple(() =>
        {
            Assert.That(found.Part, Is.EqualTo(DamagedPart.TableFile));
            Assert.That(found.FileName, Is.EqualTo(Path.GetFileName(largest)));
            Assert.That(found.Detail, Does.StartWith(IntegrityScanPass.FoundBy));
        });
    }

    [Test]
    public void RunSlice_RegistryTableFileFlippedOnDisk_FoundByTheSweepNamingTheFile()
    {
        // Arrange: only registry state records (no blocks): the chain walk has nothing to read, the
        // sweep of the other families must catch the damaged table file.
        using var directory = new TempDirectory();
        using (var database = TestChain.OpenDatabase(directory.Path, syncWrites: true))
        {
            using var batch = new WriteBatch();
            for (var i = 0; i < 2_000; i++)
            {
                batch.Put(BitConverter.GetBytes(i), new byte[64], database.RegistryState);
            }

            database.Write(batch);
            database.Flush();
        }

        var table = Directory.GetFiles(directory.Path, "*.sst").OrderByDescending(file => new FileInfo(file).Length).First();
        FlipLeadingDataBytes(table);
        using var reopened = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory.Path, ChainId = TestChain.ChainId, VerifyAtOpenBytesMax = 0 });
        var store = new BlockStore(reopened, TestChain.Hashing);

        // Act
        var (_, damage, _) = RunToEnd(new IntegrityScanPass(reopened, store));

        // Assert
        Assert.That(damage, Is.TypeOf<DataDirectoryDamagedException>(), damage?.Message);
        var found = (DataDirectoryDamagedException)damage!;
        Assert.Multiple(() =>
        {
            Assert.That(found.Part, Is.EqualTo(DamagedPart.TableFile));
            Assert.That(found.FileName, Is.EqualTo(Path.GetFileName(table)));
            Assert.That(found.Detail, Does.StartWith(IntegrityScanPass.FoundBy));
        });
    }

    [Test]
    public void RunSlice_StateReplacedDuringThePass_BeginsAgainFromTheFirstBlock()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        var pass = new IntegrityScanPass(database, store);
        pass.RunSlice(BlocksPerSlice, long.MaxValue);
        Assert.That(pass.NextHeight, Is.EqualTo((ulong)BlocksPerSlice + 1), "precondition: the pass is under way");

        // Act: a snapshot install (it holds the gate while it clears and refills the state).
        using (database.StateReplacement.EnterReplacing())
        {
        }

        var slice = pass.RunSlice(1, long.MaxValue);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(slice.Damage, Is.Null);
            Assert.That(pass.Restarts, Is.EqualTo(1));
            Assert.That(pass.NextHeight, Is.EqualTo(BlockStore.FirstHeight + 1), "began again, then verified one block");
        });
    }

    [Test]
    public void RunSlice_BlocksAppendedDuringThePass_WalksToTheTipAtItsStart()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, BlockCount);
        var pass = new IntegrityScanPass(database, store);
        pass.RunSlice(BlocksPerSlice, long.MaxValue);

        TestChain.AppendBlocks(store, 5);
        var (_, damage, _) = RunToEnd(pass);

        Assert.Multiple(() =>
        {
            Assert.That(damage, Is.Null, damage?.Message);
            Assert.That(pass.TargetHeight, Is.EqualTo((ulong)BlockCount));
            Assert.That(pass.NextHeight, Is.EqualTo((ulong)BlockCount + 1));
        });
    }

    private static (int Slices, StorageCorruptionException? Damage, long Bytes) RunToEnd(IntegrityScanPass pass)
    {
        long bytes = 0;
        for (var slices = 1; slices <= SlicesMax; slices++)
        {
            var slice = pass.RunSlice(BlocksPerSlice, BytesPerSlice);
            bytes += slice.BytesRead;
            Assert.That(slice.BlocksVerified, Is.LessThanOrEqualTo(BlocksPerSlice));
            if (slice.Damage is not null || pass.IsComplete)
            {
                return (slices, slice.Damage, bytes);
            }
        }

        throw new AssertionException($"no end of the pass within {SlicesMax} slices");
    }

    private static void FlipLeadingDataBytes(string file)
    {
        var bytes = File.ReadAllBytes(file);

        // Data blocks come first in a table file; its index and footer at the end stay intact.
        for (var offset = 16; offset < bytes.Length / 4; offset += 61)
        {
            bytes[offset] ^= 0x5A;
        }

        File.WriteAllBytes(file, bytes);
    }
}
