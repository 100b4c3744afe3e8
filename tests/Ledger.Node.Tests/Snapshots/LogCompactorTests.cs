using Ledger.Consensus;
using Ledger.Core.Hashing;
using Ledger.Node.Snapshots;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Raft;

namespace Ledger.Node.Tests.Snapshots;

/// <summary>The Raft log is bounded by bytes as well as by entries: large batch entries do not pile up until the entry count is reached.</summary>
public sealed class LogCompactorTests
{
    private const int EntryDataBytes = 100_000;
    private const long RetainBytes = LogCompactionOptions.CompactionRetainBytesMin;

    private string directory = "";

    [SetUp]
    public void SetUp() => directory = Directory.CreateTempSubdirectory("ledger-log-compactor-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(directory, recursive: true);

    [Test]
    public void OnApplied_LargeEntries_RetainedLogStaysWithinTheByteBudget()
    {
        // Arrange: entry-count bounds far above what is written, a 1 MiB byte budget, 100 KB entries.
        using var database = OpenDatabase();
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([1], []));
        var options = new LogCompactionOptions { CompactionRetainEntries = 5_000, CompactionIntervalEntries = 5_000, CompactionRetainBytes = RetainBytes };
        var compactor = new LogCompactor(raftLog, new BlockStore(database, BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance)), "compactor-test", options);
        long retainedMax = 0;

        // Act: 200 entries (~20 MB), each applied as soon as it is stored.
        for (ulong index = 1; index <= 200; index++)
        {
            raftLog.Persist(null, [new Entry(1, index, EntryType.Normal, new byte[EntryDataBytes])], new HardState(1, 1, index), sync: false);
            compactor.OnApplied(index);
            retainedMax = Math.Max(retainedMax, raftLog.WrittenBytesBetween(raftLog.FirstIndex(), raftLog.LastIndex()));
        }

        // Assert: never more than the budget plus the slack that triggers a compaction (and one entry).
        var entryBytes = new Entry(1, 1, EntryType.Normal, new byte[EntryDataBytes]).SizeBytes;
        Assert.Multiple(() =>
        {
            Assert.That(retainedMax, Is.LessThanOrEqualTo(RetainBytes + options.CompactionSlackBytes + entryBytes));
            Assert.That(raftLog.WrittenBytesBetween(raftLog.FirstIndex(), 200), Is.LessThanOrEqualTo(RetainBytes + options.CompactionSlackBytes));
            Assert.That(raftLog.FirstIndex(), Is.GreaterThan(180UL), "at most ~12 entries of 100 KB fit in 1.25 MiB");
            Assert.That(() => raftLog.Entries(1, 2, long.MaxValue), Throws.TypeOf<RaftLogCompactedException>(), "compacted entries are gone from the store");
            Assert.That(raftLog.Snapshot().Metadata.Index, Is.GreaterThan(180UL), "a follower behind the compacted point is offered a snapshot at a recent index");
        });
    }

    [Test]
    public void OnApplied_SmallEntries_KeepsTheRetainedEntryCount()
    {
        // Arrange: entries far below the byte budget: the entry bounds decide, as before.
        using var database = OpenDatabase();
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([1], []));
        var options = new LogCompactionOptions { CompactionRetainEntries = 10, CompactionIntervalEntries = 20, CompactionRetainBytes = RetainBytes };
        var compactor = new LogCompactor(raftLog, new BlockStore(database, BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance)), "compactor-test", options);

        // Act
        for (ulong index = 1; index <= 40; index++)
        {
            raftLog.Persist(null, [new Entry(1, index, EntryType.Normal, new byte[100])], new HardState(1, 1, index), sync: false);
            compactor.OnApplied(index);
        }

        // Assert: compacted at 20 (to 10) and at 40 (to 30).
        Assert.That(raftLog.FirstIndex(), Is.EqualTo(31UL));
    }

    [Test]
    public void Validate_RetainBytesBelowOneAppend_IsRefused()
    {
        var options = new LogCompactionOptions { CompactionRetainBytes = 2 * RetainBytes };

        var refused = Assert.Throws<InvalidOperationException>(() => options.Validate(appendBytesMax: 4 * RetainBytes));

        Assert.That(refused!.Message, Does.Contain("Node:Raft:CompactionRetainBytes"));
    }

    [Test]
    public void Validate_RetainBytesBelowTheMinimum_IsRefused()
    {
        var options = new LogCompactionOptions { CompactionRetainBytes = RetainBytes - 1 };

        Assert.Throws<InvalidOperationException>(() => options.Validate(appendBytesMax: 1));
    }

    private LedgerDatabase OpenDatabase() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "compactor-test", SyncWrites = false });
}
