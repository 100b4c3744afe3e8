using System.Buffers.Binary;
using Ledger.Consensus;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Raft;

/// <summary>
/// Local disk corruption of the Raft log and state is detected on read as
/// <see cref="RaftLogCorruptionException"/>, never handed to Raft or the state machine. The damage
/// is made the way a disk or a bug would make it: by writing other bytes under the record's key,
/// behind RocksDB's own checksums.
/// </summary>
public sealed class RaftLogCorruptionTests
{
    private static readonly ConfState ThreeVoters = new([1, 2, 3], []);

    // Entry record layout (RaftRecordEncoding): checksum (4), index (8), term (8), type (1), data.
    private const int EntryTermOffset = 12;
    private const int EntryDataOffset = 21;

    // Hard state record layout: checksum (4), term (8), vote (8), commit (8).
    private const int HardStateVoteOffset = 12;

    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-raftdamage-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private LedgerDatabase OpenDatabase() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "test-chain" });

    /// <summary>Entries 1..5 of term 2 and a hard state (term 2, vote 3, commit 4), then closed.</summary>
    private void WriteLog()
    {
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        var entries = new Entry[5];
        for (var i = 0; i < entries.Length; i++)
        {
            var index = (ulong)i + 1;
            entries[i] = new Entry(2, index, EntryType.Normal, new byte[] { (byte)index, 0xAA, 0xBB, 0xCC });
        }

        log.Persist(null, entries, new HardState(2, 3, 4), sync: true);
    }

    private void Rewrite(Func<LedgerDatabase, ColumnFamilyHandle> family, byte[] key, Func<byte[], byte[]> change)
    {
        using var database = OpenDatabase();
        var value = database.Get(family(database), key) ?? throw new InvalidOperationException("nothing stored under the key");
        using var batch = new WriteBatch();
        batch.Put(key, change(value), family(database));
        database.Write(batch, sync: true);
    }

    private static byte[] FlipByte(byte[] value, int offset)
    {
        var changed = (byte[])value.Clone();
        changed[offset] ^= 0x01;
        return changed;
    }

    [Test]
    public void Entries_FlippedByteInAStoredEntrysData_ThrowsRaftLogCorruptionNamingTheEntry()
    {
        WriteLog();
        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(3), value => FlipByte(value, EntryDataOffset + 2));
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);

        var error = Assert.Throws<RaftLogCorruptionException>(() => log.Entries(1, 6, long.MaxValue));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Index, Is.EqualTo(3));
            Assert.That(error.ColumnFamily, Is.EqualTo(ColumnFamilyNames.RaftLog));
            Assert.That(error.Message, Does.Contain("entry 3").And.Contain("checksum").And.Contain(RaftLogCorruptionException.Recovery));
        });
    }

    [Test]
    public void Term_FlippedByteInAStoredEntrysTerm_ThrowsRaftLogCorruption()
    {
        WriteLog();
        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(2), value => FlipByte(value, EntryTermOffset + 7));
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);

        var error = Assert.Throws<RaftLogCorruptionException>(() => log.Term(2));

        Assert.That(error!.Index, Is.EqualTo(2));
    }

    [Test]
    public void Entries_IntactRecordUnderAnotherIndex_ThrowsRaftLogCorruption()
    {
        WriteLog();
        byte[] entryTwo;
        using (var database = OpenDatabase())
        {
            entryTwo = database.Get(database.RaftLog, RaftLogKeys.EntryKey(2))!;
        }

        // Same term, valid checksum: only the index the record carries tells it is not entry 3.
        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(3), _ => entryTwo);
        using var reopened = OpenDatabase();
        var log = new RocksDbRaftLogStorage(reopened, ThreeVoters);

        var error = Assert.Throws<RaftLogCorruptionException>(() => log.Entries(3, 4, long.MaxValue));

        Assert.That(error!.Message, Does.Contain("is entry 2"));
    }

    [Test]
    public void Open_FlippedByteInTheHardStatesVote_ThrowsRaftLogCorruption()
    {
        WriteLog();
        Rewrite(d => d.RaftState, RaftLogKeys.HardState.ToArray(), value => FlipByte(value, HardStateVoteOffset + 7));
        using var database = OpenDatabase();

        var error = Assert.Throws<RaftLogCorruptionException>(() => new RocksDbRaftLogStorage(database, ThreeVoters));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Record, Is.EqualTo("hard state"));
            Assert.That(error.ColumnFamily, Is.EqualTo(ColumnFamilyNames.RaftState));
            Assert.That(error.Index, Is.Null);
        });
    }

    [Test]
    public void Open_FlippedByteInTheLastEntry_IsRefusedAtOpen()
    {
        WriteLog();
        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(5), value => FlipByte(value, EntryDataOffset));
        using var database = OpenDatabase();

        var error = Assert.Throws<RaftLogCorruptionException>(() => new RocksDbRaftLogStorage(database, ThreeVoters));

        Assert.That(error!.Index, Is.EqualTo(5));
    }

    [Test]
    public void Open_AfterDamageWasFound_RefusesEvenOnceTheRecordReadsBackIntact()
    {
        WriteLog();
        byte[] original;
        using (var database = OpenDatabase())
        {
            original = database.Get(database.RaftLog, RaftLogKeys.EntryKey(3))!;
        }

        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(3), value => FlipByte(value, EntryDataOffset));
        using (var database = OpenDatabase())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            Assert.Throws<RaftLogCorruptionException>(() => log.Entries(3, 4, long.MaxValue));
        }

        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(3), _ => original);
        using var reopened = OpenDatabase();

        var error = Assert.Throws<RaftLogCorruptionException>(() => new RocksDbRaftLogStorage(reopened, ThreeVoters));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Index, Is.EqualTo(3));
            Assert.That(error.Message, Does.Contain("found earlier").And.Contain(RaftLogCorruptionException.Recovery));
        });
    }

    /// <summary>Damages entry <paramref name="index"/> and reads it once, as a running node would, so the damage is recorded.</summary>
    private void DamageAndDetect(ulong index)
    {
        Rewrite(d => d.RaftLog, RaftLogKeys.EntryKey(index), value => FlipByte(value, EntryDataOffset));
        using var database = OpenDatabase();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        Assert.Throws<RaftLogCorruptionException>(() => log.Entries(index, index + 1, long.MaxValue));
    }

    [Test]
    public void CompactPastAppliedDamage_DamageInAnAppliedEntry_DropsTheLogUpToAppliedAndTheLogOpensWithItsHardState()
    {
        WriteLog();
        DamageAndDetect(2);
        using var database = OpenDatabase();

        var repaired = RocksDbRaftLogStorage.CompactPastAppliedDamage(database, appliedIndex: 4, (index, term, _) => [(byte)index, (byte)term]);

        var log = new RocksDbRaftLogStorage(database, ThreeVoters);
        Assert.Multiple(() =>
        {
            Assert.That(repaired, Is.EqualTo(2));
            Assert.That(log.FirstIndex(), Is.EqualTo(5));
            Assert.That(log.Term(4), Is.EqualTo(2));
            Assert.That(log.Snapshot().Metadata.Index, Is.EqualTo(4));
            Assert.That(log.Snapshot().Data.ToArray(), Is.EqualTo(new byte[] { 4, 2 }));
            Assert.That(log.Entries(5, 6, long.MaxValue).Single().Data.Span[0], Is.EqualTo(5));
            Assert.That(log.InitialState().HardState, Is.EqualTo(new HardState(2, 3, 4)));
        });
    }

    [Test]
    public void CompactPastAppliedDamage_DamageInAnEntryNotYetApplied_RepairsNothingAndTheOpenStillRefuses()
    {
        WriteLog();
        DamageAndDetect(4);
        using var database = OpenDatabase();

        var repaired = RocksDbRaftLogStorage.CompactPastAppliedDamage(database, appliedIndex: 3, (_, _, _) => []);

        Assert.That(repaired, Is.Null);
        Assert.Throws<RaftLogCorruptionException>(() => new RocksDbRaftLogStorage(database, ThreeVoters));
    }

    [Test]
    public void CompactPastAppliedDamage_NothingRecorded_RepairsNothing()
    {
        WriteLog();
        using var database = OpenDatabase();

        var repaired = RocksDbRaftLogStorage.CompactPastAppliedDamage(database, appliedIndex: 4, (_, _, _) => []);

        Assert.Multiple(() =>
        {
            Assert.That(repaired, Is.Null);
            Assert.That(new RocksDbRaftLogStorage(database, ThreeVoters).FirstIndex(), Is.EqualTo(1));
        });
    }

    [Test]
    public void IntactLog_ReadsBackEntriesAndHardState_AfterReopen()
    {
        WriteLog();
        using var database = OpenDatabase();

        var log = new RocksDbRaftLogStorage(database, ThreeVoters);

        Assert.Multiple(() =>
        {
            Assert.That(log.InitialState().HardState, Is.EqualTo(new HardState(2, 3, 4)));
            Assert.That(log.Entries(1, 6, long.MaxValue).Select(e => (e.Index, e.Term, e.Data.Span[0])), Is.EqualTo(new[] { (1UL, 2UL, (byte)1), (2UL, 2UL, (byte)2), (3UL, 2UL, (byte)3), (4UL, 2UL, (byte)4), (5UL, 2UL, (byte)5) }));
        });
    }

    [Test]
    public void Checksum_OfTheStandardCheckInput_IsTheCrc32cCheckValue()
    {
        // RFC 3720 / the CRC catalogue's check value for CRC-32C over "123456789".
        Assert.That(RaftRecordChecksum.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void Open_DirectoryWrittenBeforeRaftChecksums_IsRefusedAsIncompatible()
    {
        using (var database = OpenDatabase())
        {
            using var batch = new WriteBatch();
            var version = new byte[sizeof(uint)];
            BinaryPrimitives.WriteUInt32BigEndian(version, 4);
            batch.Put("format_version"u8, version, database.Meta);
            database.Write(batch, sync: true);
        }

        var error = Assert.Throws<IncompatibleFormatVersionException>(() => OpenDatabase());

        Assert.That(error!.StoredVersion, Is.EqualTo(4));
    }
}
