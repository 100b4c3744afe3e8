using System.Buffers;
using Ledger.Consensus;
using Ledger.Storage.Errors;
using RocksDbSharp;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Storage.Raft;

/// <summary>
/// The Raft log, hard state, membership and snapshot metadata in RocksDB (column families
/// <c>raft_log</c> and <c>raft_state</c>). <see cref="Persist"/> makes one Ready durable in a single
/// atomic write — snapshot, conflicting-suffix truncation, new entries and hard state together —
/// so a crash between "append entries" and "save hard state" cannot happen. Recent entries are
/// cached in memory because the leader re-reads them for every follower (<see cref="RaftEntryCache"/>:
/// bounded by count and bytes).
/// Called from the drive loop thread for writes; reads may come from the same thread only
/// (RaftNode is single-threaded), except <see cref="LastIndex"/> and <see cref="FirstIndex"/>.
/// </summary>
public sealed class RocksDbRaftLogStorage : IRaftLogStorage
{
    private readonly LedgerDatabase database;
    private readonly RaftEntryCache cache = new();
    private readonly RaftLogByteCount byteCount = new();
    private ulong startIndex;
    private ulong startTerm;
    private ulong lastIndex;
    private HardState hardState;
    private ConfState confState;
    private Snapshot snapshot;

    /// <summary>
    /// Opens the Raft state of <paramref name="database"/>; on a fresh directory the log starts empty
    /// with <paramref name="bootstrap"/> as its membership (recorded at index 0).
    /// </summary>
    public RocksDbRaftLogStorage(LedgerDatabase database, ConfState bootstrap)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(bootstrap);
        this.database = database;

        // A damage found earlier stays found: the damaged record may read back fine by chance (a
        // cache, a retried read), and a node that once lost part of its log must not rejoin as if whole.
        if (ReadState(RaftLogKeys.Damage, "damage record") is { } recorded)
        {
            throw RaftDamageRecord.Decode(database, recorded);
        }

        var hard = ReadState(RaftLogKeys.HardState, "hard state");
        hardState = hard is null ? HardState.Empty : DecodeState(hard, "hard state", RaftRecordEncoding.DecodeHardState);
        var start = ReadState(RaftLogKeys.LogStart, "log start");
        (startIndex, startTerm) = start is null ? (0UL, 0UL) : DecodeState(start, "log start", RaftRecordEncoding.DecodePosition);
        var conf = ReadState(RaftLogKeys.ConfState, "membership");
        if (conf is null)
        {
            confState = bootstrap;
            using var batch = new WriteBatch();
            batch.Put(RaftLogKeys.ConfState, RaftRecordEncoding.EncodeConfState(bootstrap), database.RaftState);
            database.Write(batch, sync: true);
        }
        else
        {
            confState = DecodeState(conf, "membership", RaftRecordEncoding.DecodeConfState);
        }

        var snap = ReadState(RaftLogKeys.Snapshot, "snapshot");
        snapshot = snap is null
            ? new Snapshot(new SnapshotMetadata(startIndex, startTerm, confState), ReadOnlyMemory<byte>.Empty)
            : DecodeState(snap, "snapshot", RaftRecordEncoding.DecodeSnapshot);
        lastIndex = FindLastIndex();
        CheckInvariants();
    }

    /// <summary>
    /// Repairs, before the log is opened, recorded damage that lies only in entries this node has
    /// already applied: those are committed and in the state machine, so dropping the log up to
    /// <paramref name="appliedIndex"/> is ordinary compaction (a follower that needs them gets a state
    /// snapshot). The hard state, the last entry and every unapplied entry are untouched, so what this
    /// node voted for and acknowledged stays true and it may go on voting. Returns the damaged index
    /// when repaired; null when nothing was recorded or the damage is of another kind (state records,
    /// unapplied entries, an unreadable applied entry), which the open then refuses as before.
    /// <paramref name="describe"/> gives the snapshot descriptor for (index, term, membership).
    /// </summary>
    public static ulong? CompactPastAppliedDamage(LedgerDatabase database, ulong appliedIndex, Func<ulong, ulong, ConfState, byte[]> describe)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(describe);
        var recorded = database.Get(database.RaftState, RaftLogKeys.Damage);
        if (recorded is null)
        {
            return null;
        }

        var damage = RaftDamageRecord.Decode(database, recorded);
        if (damage.ColumnFamily != ColumnFamilyNames.RaftLog || damage.Index is not { } damagedIndex || damagedIndex > appliedIndex)
        {
            return null;
        }

        var startRecord = database.Get(database.RaftState, RaftLogKeys.LogStart);
        var (startIndex, startTerm) = startRecord is null ? (0UL, 0UL) : RaftRecordReader.DecodeState(database, "log start", startRecord, RaftRecordEncoding.DecodePosition);
        var snapshotRecord = database.Get(database.RaftState, RaftLogKeys.Snapshot);
        var snapshotIndex = snapshotRecord is null ? 0 : RaftRecordReader.DecodeState(database, "snapshot", snapshotRecord, RaftRecordEncoding.DecodeSnapshot).Metadata.Index;
        var confRecord = database.Get(database.RaftState, RaftLogKeys.ConfState);
        if (confRecord is null || appliedIndex < startIndex || snapshotIndex > appliedIndex)
        {
            // No membership to describe, or a snapshot install the state has not caught up with: not this case.
            return null;
        }

        var conf = RaftRecordReader.DecodeState(database, "membership", confRecord, RaftRecordEncoding.DecodeConfState);
        ulong appliedTerm;
        if (appliedIndex == startIndex)
        {
            appliedTerm = startTerm;
        }
        else
        {
            var appliedRecord = database.Get(database.RaftLog, RaftLogKeys.EntryKey(appliedIndex));
            if (appliedRecord is null)
            {
                return null;
            }

            try
            {
                appliedTerm = RaftRecordReader.DecodeEntry(database, appliedIndex, appliedRecord, static (index, bytes) => RaftRecordEncoding.DecodeEntryTerm(index, bytes));
            }
            catch (RaftLogCorruptionException)
            {
                // The compaction point itself is damaged: its term is unknown, so no snapshot can name it.
                return null;
            }
        }

        using var batch = new WriteBatch();
        var from = RaftLogKeys.EntryKey(startIndex + 1);
        var to = RaftLogKeys.EntryKey(appliedIndex + 1);
        batch.DeleteRange(from, (ulong)from.Length, to, (ulong)to.Length, database.RaftLog);
        batch.Put(RaftLogKeys.LogStart, RaftRecordEncoding.EncodePosition(appliedIndex, appliedTerm), database.RaftState);
        var snapshot = new Snapshot(new SnapshotMetadata(appliedIndex, appliedTerm, conf), describe(appliedIndex, appliedTerm, conf));
        batch.Put(RaftLogKeys.Snapshot, RaftRecordEncoding.EncodeSnapshot(snapshot), database.RaftState);
        batch.Delete(RaftLogKeys.Damage.ToArray(), database.RaftState);
        database.Write(batch, sync: true);
        return damagedIndex;
    }

    /// <summary>
    /// TEST ONLY (planted bug <c>skip-raft-fsync</c>): when set, <see cref="Persist"/> holds its write there
    /// instead of making it durable (see <see cref="DeferredRaftWrites"/>). Null in every real node.
    /// </summary>
    public DeferredRaftWrites? DeferredWrites { get; set; }

    public HardState HardState => hardState;

    public ConfState ConfState => confState;

    public RaftInitialState InitialState() => new(hardState, confState);

    public ulong FirstIndex() => Volatile.Read(ref startIndex) + 1;

    public ulong LastIndex() => Volatile.Read(ref lastIndex);

    /// <summary>
    /// Bytes (<see cref="Entry.SizeBytes"/>) of the stored entries <paramref name="fromIndex"/> ..
    /// <paramref name="throughIndex"/> that this process wrote; entries stored before it started count as nothing.
    /// </summary>
    public long WrittenBytesBetween(ulong fromIndex, ulong throughIndex) => byteCount.BytesBetween(fromIndex, throughIndex);

    /// <summary>
    /// The lowest index i such that the entries i .. <paramref name="throughIndex"/> this process wrote
    /// take at most <paramref name="bytesMax"/> bytes; 0 when all of them fit (see <see cref="RaftLogByteCount"/>).
    /// </summary>
    public ulong FirstIndexWithinBytes(ulong throughIndex, long bytesMax) => byteCount.FirstIndexWithin(throughIndex, bytesMax);

    /// <summary>Entries and bytes held in memory now (bounded by <see cref="RaftEntryCache"/>).</summary>
    public (int Entries, long Bytes) CachedEntries => (cache.Count, cache.Bytes);

    public IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes)
    {
        if (low <= startIndex)
        {
            throw new RaftLogCompactedException(low, startIndex + 1);
        }

        if (high > lastIndex + 1)
        {
            throw new RaftLogUnavailableException(high - 1, lastIndex);
        }

        if (low >= high)
        {
            return [];
        }

        var result = new List<Entry>((int)Math.Min(high - low, 1024));
        long bytes = 0;
        for (var index = low; index < high; index++)
        {
            var entry = ReadEntry(index);
            bytes += entry.SizeBytes;
            if (result.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            result.Add(entry);
        }

        return result;
    }

    public ulong Term(ulong index)
    {
        if (index == startIndex)
        {
            return startTerm;
        }

        if (index < startIndex)
        {
            throw new RaftLogCompactedException(index, startIndex + 1);
        }

        if (index > lastIndex)
        {
            throw new RaftLogUnavailableException(index, lastIndex);
        }

        if (cache.TryGet(index, out var cached))
        {
            return cached.Term;
        }

        return DecodeEntry(index, ReadEntryRecord(index), static (i, bytes) => RaftRecordEncoding.DecodeEntryTerm(i, bytes));
    }

    public Snapshot Snapshot() => snapshot;

    /// <summary>Makes one Ready durable: see the class summary. Returns after the write (and fsync when <paramref name="sync"/>).</summary>
    public void Persist(Snapshot? incomingSnapshot, IReadOnlyList<Entry> entries, HardState? newHardState, bool sync)
    {
        if (incomingSnapshot is null && entries.Count == 0 && newHardState is null)
        {
            return;
        }

        using var batch = new WriteBatch();
        var newStart = startIndex;
        var newStartTerm = startTerm;
        var newLast = lastIndex;
        var newConf = confState;
        if (incomingSnapshot is { IsEmpty: false } snap)
        {
            if (snap.Metadata.Index <= snapshot.Metadata.Index)
            {
                throw new RaftSnapshotOutOfDateException(snap.Metadata.Index, snapshot.Metadata.Index);
            }

            // A snapshot replaces the whole log: nothing stored before or after it is kept.
            DeleteEntries(batch, startIndex + 1, lastIndex);
            newStart = snap.Metadata.Index;
            newStartTerm = snap.Metadata.Term;
            newLast = snap.Metadata.Index;
            newConf = snap.Metadata.ConfState;
            batch.Put(RaftLogKeys.LogStart, RaftRecordEncoding.EncodePosition(newStart, newStartTerm), database.RaftState);
            batch.Put(RaftLogKeys.Snapshot, RaftRecordEncoding.EncodeSnapshot(snap), database.RaftState);
            batch.Put(RaftLogKeys.ConfState, RaftRecordEncoding.EncodeConfState(newConf), database.RaftState);
        }

        var firstAppended = 0;
        if (entries.Count > 0)
        {
            // Entries at or below the log start are already covered by the snapshot.
            while (firstAppended < entries.Count && entries[firstAppended].Index <= newStart)
            {
                firstAppended++;
            }

            if (firstAppended < entries.Count)
            {
                var first = entries[firstAppended].Index;
                if (first > newLast + 1)
                {
                    throw new RaftStorageInvariantException($"append would leave a gap: last stored index {newLast}, incoming starts at {first}");
                }

                if (first <= newLast)
                {
                    DeleteEntries(batch, first, newLast);
                }

                Span<byte> key = stackalloc byte[RaftLogKeys.EntryKeyBytes];
                for (var i = firstAppended; i < entries.Count; i++)
                {
                    var entry = entries[i];
                    if (entry.Index != first + (ulong)(i - firstAppended))
                    {
                        throw new RaftStorageInvariantException($"entries to append are not contiguous at index {entry.Index}");
                    }

                    RaftLogKeys.WriteEntryKey(key, entry.Index);
                    // The batch copies the record, so it is built in a pooled buffer: a batch
                    // entry is ~0.7 MB, and a new array each time is a large-object allocation
                    // (zeroed, and it drives background gen2 collections).
                    var record = ArrayPool<byte>.Shared.Rent(RaftRecordEncoding.EncodedEntryBytes(entry));
                    try
                    {
                        var length = RaftRecordEncoding.EncodeEntry(entry, record);
                        batch.Put(key, record.AsSpan(0, length), database.RaftLog);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(record);
                    }
                }

                newLast = entries[^1].Index;
            }
        }

        if (newHardState is { } hard)
        {
            if (hard.Term < hardState.Term)
            {
                throw new RaftStorageInvariantException($"hard state term would go back from {hardState.Term} to {hard.Term}");
            }

            batch.Put(RaftLogKeys.HardState, RaftRecordEncoding.EncodeHardState(hard), database.RaftState);
        }

        if (DeferredWrites is { } deferred)
        {
            deferred.Hold(batch, newLast);
        }
        else
        {
            database.Write(batch, sync);
        }

        // Only after the write succeeded does memory move on.
        if (incomingSnapshot is { IsEmpty: false } installed)
        {
            cache.Clear();
            byteCount.Clear();
            snapshot = installed;
            confState = newConf;
        }

        for (var i = firstAppended; i < entries.Count; i++)
        {
            cache.Append(entries[i]);
            byteCount.Append(entries[i].Index, entries[i].SizeBytes);
        }

        Volatile.Write(ref startIndex, newStart);
        startTerm = newStartTerm;
        Volatile.Write(ref lastIndex, newLast);
        if (newHardState is { } saved)
        {
            hardState = saved;
        }
    }

    /// <summary>Records membership after the host applied a conf change, so a restart sees it.</summary>
    public void SaveConfState(ConfState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        DeferredWrites?.Flush();
        using var batch = new WriteBatch();
        batch.Put(RaftLogKeys.ConfState, RaftRecordEncoding.EncodeConfState(state), database.RaftState);
        database.Write(batch, sync: true);
        confState = state;
    }

    /// <summary>Records a snapshot of the state machine at <paramref name="index"/> (which must be applied) with opaque <paramref name="data"/>.</summary>
    public Snapshot CreateSnapshot(ulong index, ConfState state, ReadOnlyMemory<byte> data)
    {
        DeferredWrites?.Flush();
        if (index <= snapshot.Metadata.Index)
        {
            throw new RaftSnapshotOutOfDateException(index, snapshot.Metadata.Index);
        }

        var created = new Snapshot(new SnapshotMetadata(index, Term(index), state), data);
        using var batch = new WriteBatch();
        batch.Put(RaftLogKeys.Snapshot, RaftRecordEncoding.EncodeSnapshot(created), database.RaftState);
        database.Write(batch, sync: true);
        snapshot = created;
        return created;
    }

    /// <summary>Discards entries up to and including <paramref name="compactIndex"/>, which a snapshot must already cover.</summary>
    public void Compact(ulong compactIndex)
    {
        DeferredWrites?.Flush();
        if (compactIndex <= startIndex)
        {
            throw new RaftLogCompactedException(compactIndex, startIndex + 1);
        }

        if (compactIndex > lastIndex)
        {
            throw new RaftLogUnavailableException(compactIndex, lastIndex);
        }

        if (compactIndex > snapshot.Metadata.Index)
        {
            throw new RaftStorageInvariantException($"cannot compact to {compactIndex}: the latest snapshot covers only up to {snapshot.Metadata.Index}");
        }

        var term = Term(compactIndex);
        using var batch = new WriteBatch();
        DeleteEntries(batch, startIndex + 1, compactIndex);
        batch.Put(RaftLogKeys.LogStart, RaftRecordEncoding.EncodePosition(compactIndex, term), database.RaftState);
        database.Write(batch, sync: true);
        byteCount.RemoveThrough(compactIndex);
        startTerm = term;
        Volatile.Write(ref startIndex, compactIndex);
    }

    private Entry ReadEntry(ulong index)
    {
        if (cache.TryGet(index, out var cached))
        {
            return cached;
        }

        return DecodeEntry(index, ReadEntryRecord(index), RaftRecordEncoding.DecodeEntry);
    }

    /// <summary>The stored record of entry <paramref name="index"/>, which the log says exists.</summary>
    private byte[] ReadEntryRecord(ulong index)
    {
        Span<byte> key = stackalloc byte[RaftLogKeys.EntryKeyBytes];
        RaftLogKeys.WriteEntryKey(key, index);
        var bytes = RaftRecordReader.Get(database, database.RaftLog, key, e => Damaged(RaftRecordReader.EntryDamage(database, index, e.Message, e)));
        return bytes ?? throw Damaged(RaftRecordReader.EntryDamage(database, index, "missing from the log"));
    }

    private T DecodeEntry<T>(ulong index, byte[] bytes, Func<ulong, byte[], T> decode)
    {
        try
        {
            return RaftRecordReader.DecodeEntry(database, index, bytes, decode);
        }
        catch (RaftLogCorruptionException e)
        {
            throw Damaged(e);
        }
    }

    private byte[]? ReadState(ReadOnlySpan<byte> key, string record) =>
        RaftRecordReader.Get(database, database.RaftState, key, e => Damaged(RaftRecordReader.StateDamage(database, record, e.Message, e)));

    private T DecodeState<T>(byte[] bytes, string record, Func<byte[], T> decode)
    {
        try
        {
            return RaftRecordReader.DecodeState(database, record, bytes, decode);
        }
        catch (RaftLogCorruptionException e)
        {
            throw Damaged(e);
        }
    }

    /// <summary>
    /// Records <paramref name="damage"/> durably (best effort: the disk is already failing) so the
    /// next start refuses at once with the same message instead of replaying into the damage again.
    /// </summary>
    private RaftLogCorruptionException Damaged(RaftLogCorruptionException damage)
    {
        try
        {
            using var batch = new WriteBatch();
            batch.Put(RaftLogKeys.Damage, RaftDamageRecord.Encode(damage), database.RaftState);
            database.Write(batch, sync: true);
        }
        catch (Exception e) when (e is StorageException or RocksDbException or ObjectDisposedException)
        {
            // Reported anyway; the damage itself is found again on the next read.
        }

        return damage;
    }

    private void DeleteEntries(WriteBatch batch, ulong fromIndex, ulong toIndexInclusive)
    {
        if (fromIndex > toIndexInclusive)
        {
            return;
        }

        var from = RaftLogKeys.EntryKey(fromIndex);
        var to = RaftLogKeys.EntryKey(toIndexInclusive + 1);
        batch.DeleteRange(from, (ulong)from.Length, to, (ulong)to.Length, database.RaftLog);
        if (fromIndex <= startIndex + 1)
        {
            cache.RemoveThrough(toIndexInclusive);
        }
        else
        {
            cache.RemoveFrom(fromIndex);
        }
    }

    private ulong FindLastIndex()
    {
        using var iterator = database.NewIterator(database.RaftLog);
        iterator.SeekToLast();
        if (!iterator.Valid())
        {
            return startIndex;
        }

        var key = iterator.Key();
        if (key.Length != RaftLogKeys.EntryKeyBytes)
        {
            throw Damaged(new RaftLogCorruptionException(database.DataDirectory, ColumnFamilyNames.RaftLog, "log key", index: null, $"the last key in the log is {key.Length} bytes, expected {RaftLogKeys.EntryKeyBytes}"));
        }

        return Math.Max(startIndex, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key));
    }

    private void CheckInvariants()
    {
        if (hardState.Commit > lastIndex)
        {
            throw Damaged(RaftRecordReader.StateDamage(database, "hard state", $"persisted commit index {hardState.Commit} is beyond the last stored entry {lastIndex}"));
        }

        if (lastIndex > startIndex)
        {
            // The log must be contiguous from its start (the first entry is present), and both ends
            // read back intact: a torn or damaged tail is the likeliest damage, and cheap to check.
            Term(startIndex + 1);
            Term(lastIndex);
        }
    }
}
