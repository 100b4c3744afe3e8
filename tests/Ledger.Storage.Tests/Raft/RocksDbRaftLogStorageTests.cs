using Ledger.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Storage.Tests.Raft;

public sealed class RocksDbRaftLogStorageTests
{
    private static readonly ConfState ThreeVoters = new([1, 2, 3], []);
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-raftlog-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private LedgerDatabase OpenDatabase() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "test-chain" });

    private static Entry[] Entries(ulong term, ulong from, ulong to)
    {
        var entries = new Entry[to - from + 1];
        for (var i = 0; i < entries.Length; i++)
        {
            var index = from + (ulong)i;
            entries[i] = new Entry(term, index, EntryType.Normal, new byte[] { (byte)index, (byte)term });
        }

        return entries;
    }

    [Test]
    public void FreshLog_IsEmpty_WithBootstrapMembership()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);

        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex(), Is.EqualTo(1));
            Assert.That(log.LastIndex(), Is.Zero);
            Assert.That(log.Term(0), Is.Zero);
            Assert.That(log.InitialState().ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3 }));
            Assert.That(log.InitialState().HardState.IsEmpty, Is.True);
        });
    }

    [Test]
    public void PersistedEntriesAndHardState_SurviveReopen_Together()
    {
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, Entries(1, 1, 5), new HardState(1, 2, 3), sync: true);
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.Multiple(() =>
            {
                Assert.That(log.LastIndex(), Is.EqualTo(5));
                Assert.That(log.InitialState().HardState, Is.EqualTo(new HardState(1, 2, 3)));
                Assert.That(log.Entries(1, 6, long.MaxValue).Select(e => e.Data.Span[0]), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
            });
        }
    }

    [Test]
    public void HardStateWithRecoveryAndWatermarks_SurvivesReopen()
    {
        var hardState = new HardState(4, 2, 3)
        {
            Recovery = RecoveryReason.HardStateLost,
            RecoveryTarget = new LogPosition(5, 1),
            Watermarks = AcknowledgedWatermarks.Of([new AcknowledgedWatermark(1, new LogPosition(5, 1)), new AcknowledgedWatermark(3, new LogPosition(4, 1))]),
        };
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, Entries(1, 1, 5), hardState, sync: true);
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.That(log.InitialState().HardState, Is.EqualTo(hardState));
        }
    }

    [Test]
    public void LargeEntries_PersistedFromPooledBuffers_ReadBackExactlyAfterFlushAndReopen()
    {
        // Batch-sized entries, each a different length (pooled buffers are reused and longer than the record).
        var random = new Random(11);
        var entries = new Entry[4];
        for (var i = 0; i < entries.Length; i++)
        {
            var data = new byte[700_000 - (i * 1_001)];
            random.NextBytes(data);
            entries[i] = new Entry(2, (ulong)i + 1, EntryType.Normal, data);
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, entries[..2], new HardState(2, 1, 0), sync: true);
            log.Persist(null, entries[2..], null, sync: true);
            database.Flush();
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            var read = log.Entries(1, 5, long.MaxValue);
            Assert.That(read, Has.Count.EqualTo(entries.Length));
            for (var i = 0; i < entries.Length; i++)
            {
                Assert.That(read[i].Term, Is.EqualTo(2UL));
                Assert.That(read[i].Index, Is.EqualTo(entries[i].Index));
                Assert.That(read[i].Data.ToArray(), Is.EqualTo(entries[i].Data.ToArray()), $"entry {i + 1}");
            }
        }
    }

    [Test]
    public void AppendingAConflictingSuffix_TruncatesTheOldTail_AlsoAfterReopen()
    {
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, Entries(1, 1, 10), null, sync: true);
            log.Persist(null, Entries(2, 6, 7), null, sync: true);

            Assert.That(log.LastIndex(), Is.EqualTo(7));
            Assert.That(log.Term(6), Is.EqualTo(2));
            Assert.That(() => log.Term(8), Throws.TypeOf<RaftLogUnavailableException>());
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.Multiple(() =>
            {
                Assert.That(log.LastIndex(), Is.EqualTo(7), "the stale tail 8..10 must not reappear after restart");
                Assert.That(log.Term(5), Is.EqualTo(1));
                Assert.That(log.Term(7), Is.EqualTo(2));
            });
        }
    }

    [Test]
    public void AppendLeavingAGap_IsRefused()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        log.Persist(null, Entries(1, 1, 3), null, sync: false);

        Assert.That(() => log.Persist(null, Entries(1, 5, 6), null, sync: false), Throws.TypeOf<RaftStorageInvariantException>());
        Assert.That(log.LastIndex(), Is.EqualTo(3));
    }

    [Test]
    public void HardStateTermGoingBack_IsRefused()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        log.Persist(null, [], new HardState(5, 1, 0), sync: false);

        Assert.That(() => log.Persist(null, [], new HardState(4, 1, 0), sync: false), Throws.TypeOf<RaftStorageInvariantException>());
    }

    [Test]
    public void Compaction_DropsEntriesUpToTheSnapshot_AndKeepsTheTermOfTheCompactionPoint()
    {
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, Entries(3, 1, 20), new HardState(3, 1, 20), sync: true);
            log.CreateSnapshot(15, ThreeVoters, new byte[] { 42 });
            log.Compact(15);

            Assert.Multiple(() =>
            {
                Assert.That(log.FirstIndex(), Is.EqualTo(16));
                Assert.That(log.Term(15), Is.EqualTo(3));
                Assert.That(() => log.Entries(10, 17, long.MaxValue), Throws.TypeOf<RaftLogCompactedException>());
                Assert.That(() => log.Term(14), Throws.TypeOf<RaftLogCompactedException>());
            });
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.Multiple(() =>
            {
                Assert.That(log.FirstIndex(), Is.EqualTo(16));
                Assert.That(log.LastIndex(), Is.EqualTo(20));
                Assert.That(log.Snapshot().Metadata.Index, Is.EqualTo(15));
                Assert.That(log.Snapshot().Data.ToArray(), Is.EqualTo(new byte[] { 42 }));
            });
        }
    }

    [Test]
    public void CompactingBeyondTheLatestSnapshot_IsRefused()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        log.Persist(null, Entries(1, 1, 10), null, sync: false);

        Assert.That(() => log.Compact(5), Throws.TypeOf<RaftStorageInvariantException>());
    }

    [Test]
    public void InstalledSnapshot_ReplacesTheWholeLog_AndItsMembership()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        log.Persist(null, Entries(1, 1, 10), null, sync: false);
        var fourVoters = new ConfState([1, 2, 3, 4], []);
        var snapshot = new Snapshot(new SnapshotMetadata(50, 4, fourVoters), new byte[] { 7 });

        log.Persist(snapshot, Entries(4, 51, 52), new HardState(4, 0, 50), sync: true);

        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex(), Is.EqualTo(51));
            Assert.That(log.LastIndex(), Is.EqualTo(52));
            Assert.That(log.Term(50), Is.EqualTo(4));
            Assert.That(log.InitialState().ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
            Assert.That(() => log.Term(10), Throws.TypeOf<RaftLogCompactedException>());
        });
    }

    [Test]
    public void Entries_AreCutAtTheByteLimit_ButAlwaysReturnAtLeastOne()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        log.Persist(null, Entries(1, 1, 10), null, sync: false);

        Assert.Multiple(() =>
        {
            Assert.That(log.Entries(1, 11, 1), Has.Count.EqualTo(1));
            Assert.That(log.Entries(1, 11, 3 * (Entry.OverheadBytes + 2)), Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void SavedMembership_IsWhatARestartSees()
    {
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.SaveConfState(new ConfState([1, 2, 3], [9]));
        }

        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.That(log.InitialState().ConfState.Learners, Is.EqualTo(new ulong[] { 9 }));
        }
    }
}
