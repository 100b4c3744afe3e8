using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;
using RocksDbSharp;

namespace Ledger.Storage.Snapshots;

/// <summary>
/// Replaces the ledger state of a live database with a verified snapshot: for each state column
/// family (in <see cref="SnapshotColumnFamilies.InstallOrder"/>, <c>meta</c> last) it deletes every
/// key and ingests the snapshot's SST file. Ingestion hard-links (<see cref="SnapshotFileLinks"/>), so the
/// ready directory stays intact until the install is complete and can be replayed, and costs no second copy. The protocol that makes a crash leave either the old
/// or the new state: the caller first records the Raft snapshot (index beyond the applied index) in
/// the Raft state, then installs; <see cref="CompleteInterrupted"/> at the next start sees the Raft
/// snapshot ahead of the applied index and installs again from the ready copy. Until <c>meta</c> is in
/// place the applied index is the old one, so "ahead" is exactly "not finished".
/// The caller must be the database's only writer while this runs (the apply thread).
/// </summary>
public static class StateSnapshotInstaller
{
    /// <summary>Installs the ready snapshot in <paramref name="readyDirectory"/>. <paramref name="afterColumnFamily"/> is a test hook (crash injection).</summary>
    public static void Install(LedgerDatabase database, string readyDirectory, SnapshotManifest manifest, Action<string>? afterColumnFamily = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var file in manifest.Files)
        {
            var info = new FileInfo(SnapshotStaging.PathOf(readyDirectory, file));
            if (!info.Exists || (ulong)info.Length != file.SizeBytes)
            {
                throw new SnapshotRejectedException($"ready snapshot file for {file.ColumnFamily} is missing or has the wrong size");
            }
        }

        var rocks = database.Rocks;
        // Hard links (a copy where linking fails): the ready copy keeps its name and bytes for a replay.
        var ingest = SnapshotFileLinks.IngestOptions();
        // A background reader (the integrity scan) must not see the families half cleared.
        using var replacing = database.StateReplacement.EnterReplacing();
        foreach (var family in SnapshotColumnFamilies.InstallOrder)
        {
            var handle = rocks.GetColumnFamily(family);
            Clear(database, handle);
            foreach (var file in manifest.Files)
            {
                if (string.Equals(file.ColumnFamily, family, StringComparison.Ordinal))
                {
                    rocks.IngestExternalFiles([SnapshotStaging.PathOf(readyDirectory, file)], ingest, handle);
                }
            }

            afterColumnFamily?.Invoke(family);
        }

        // Paired check: what the database now says is what the manifest promised.
        var applied = ReadU64(database, MetaKeys.AppliedRaftIndex);
        if (applied != manifest.Meta.Index)
        {
            throw new StorageCorruptionException($"after installing the snapshot at raft index {manifest.Meta.Index} the applied index reads {applied}");
        }

        var height = ReadU64(database, MetaKeys.LatestHeight);
        if (height != manifest.Height)
        {
            throw new StorageCorruptionException($"after installing the snapshot of height {manifest.Height} the latest height reads {height}", height);
        }
    }

    /// <summary>
    /// At start-up, before any store reads the state: finishes an install that a crash interrupted
    /// (the Raft snapshot is a state image ahead of the applied index) from its ready copy, and deletes
    /// ready copies the state has passed. Returns the manifest installed, or null when nothing was pending.
    /// </summary>
    public static SnapshotManifest? CompleteInterrupted(LedgerDatabase database, SnapshotStaging staging)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(staging);
        var pending = PendingManifest(database);
        SnapshotManifest? installed = null;
        if (pending is not null)
        {
            var ready = staging.FindReady(pending)
                ?? throw new StorageCorruptionException($"raft recorded the snapshot at index {pending.Meta.Index} but the state was not installed and no verified copy is staged in '{staging.RootDirectory}'");
            Install(database, ready, pending);
            installed = pending;
        }

        staging.RemoveReadyUpTo(ReadU64(database, MetaKeys.AppliedRaftIndex));
        return installed;
    }

    /// <summary>The Raft snapshot's manifest when it is a state image the state has not caught up with.</summary>
    public static SnapshotManifest? PendingManifest(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var record = database.Get(database.RaftState, RaftLogKeys.Snapshot);
        if (record is null)
        {
            return null;
        }

        var snapshot = RaftRecordReader.DecodeState(database, "snapshot", record, RaftRecordEncoding.DecodeSnapshot);
        if (snapshot.Data.IsEmpty || snapshot.Metadata.Index <= ReadU64(database, MetaKeys.AppliedRaftIndex))
        {
            return null;
        }

        SnapshotManifest manifest;
        try
        {
            manifest = SnapshotManifest.Parser.ParseFrom(snapshot.Data.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StorageCorruptionException($"raft snapshot at index {snapshot.Metadata.Index} carries no readable manifest: {e.Message}", e);
        }

        return SnapshotManifests.CarriesState(manifest) ? manifest : null;
    }

    /// <summary>Deletes every key of one column family, durably.</summary>
    private static void Clear(LedgerDatabase database, ColumnFamilyHandle family)
    {
        byte[] first;
        byte[] last;
        using (var iterator = database.NewIterator(family))
        {
            iterator.SeekToFirst();
            if (!iterator.Valid())
            {
                return;
            }

            first = iterator.Key();
            iterator.SeekToLast();
            last = iterator.Key();
        }

        using var batch = new WriteBatch();
        batch.DeleteRange(first, (ulong)first.Length, last, (ulong)last.Length, family);
        batch.Delete(last, family);
        database.Write(batch, sync: true);
    }

    private static ulong ReadU64(LedgerDatabase database, ReadOnlySpan<byte> key)
    {
        var bytes = database.Get(database.Meta, key);
        if (bytes is null)
        {
            return 0;
        }

        if (bytes.Length != sizeof(ulong))
        {
            throw new StorageCorruptionException($"meta record {System.Text.Encoding.ASCII.GetString(key)} has {bytes.Length} bytes");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
