using System.Runtime.InteropServices;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;
using Ledger.Storage.Snapshots;
using RocksDbSharp;

namespace Ledger.Storage.Backups;

/// <summary>
/// An online backup of an open ledger database: a RocksDB checkpoint of every column family, then a manifest read from
/// the checkpoint itself and the SHA-256 of each of its files.
/// <para>
/// Why the checkpoint is at one applied index without pausing the apply: a checkpoint is one point-in-time image of
/// the whole database (RocksDB stops deleting files, flushes the memtables, and takes the live table and blob files,
/// the MANIFEST, and the write-ahead log up to a record boundary; opening it replays that log into every family), and
/// every apply is one atomic <see cref="WriteBatch"/> holding the block, the state, the index, the Merkle nodes and the
/// applied index together. So the image holds each apply wholly or not at all, and every family sits at the applied
/// index stored in it. The Raft families are in the same image: entries persisted but not yet applied are there as
/// they would be after a crash at that instant, which a restart handles. The manifest's figures are read from the
/// image (opened read-only, its table checksums verified), never from the live database, so they describe exactly
/// what was saved.
/// </para>
/// <para>
/// On the same file system the table and blob files are hard links (no copy; they are immutable); elsewhere RocksDB
/// copies them. Layout: <c>DIR/db/*</c> (an openable database) and <c>DIR/backup-manifest.json</c>, written last
/// (through a synced rename): a directory without a manifest is an unfinished backup and a restore refuses it.
/// </para>
/// </summary>
public static class DatabaseBackup
{
    /// <summary>Backs <paramref name="database"/> up into <paramref name="directory"/> (absent or empty) and returns the manifest written there.</summary>
    /// <param name="genesisHash">The consortium genesis hash to record, or null when the caller does not know it.</param>
    public static BackupManifest Create(LedgerDatabase database, string directory, byte[]? genesisHash, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(clock);
        var root = Path.GetFullPath(directory);
        var live = Path.TrimEndingDirectorySeparator(database.DataDirectory);
        if (string.Equals(root, live, StringComparison.Ordinal) || root.StartsWith(live + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new IOException($"backup directory '{root}' is inside the database directory '{live}'");
        }

        if (!BackupFiles.IsAbsentOrEmpty(root))
        {
            throw new IOException($"backup directory '{root}' exists and is not empty");
        }

        var created = !Directory.Exists(root);
        Directory.CreateDirectory(root);
        var databaseDirectory = Path.Combine(root, BackupManifest.DatabaseDirectoryName);
        try
        {
            var createdUtc = clock.GetUtcNow();
            // Not while a snapshot install clears and refills the state families (StateReplacementGate).
            using (database.StateReplacement.EnterReading())
            using (var checkpoint = database.Rocks.Checkpoint())
            {
                try
                {
                    // 0: always flush first, so the image is mostly table files and its log short.
                    checkpoint.Save(databaseDirectory, 0);
                }
                catch (RocksDbException e)
                {
                    throw new IOException($"RocksDB could not write the checkpoint into '{databaseDirectory}': {e.Message}", e);
                }
            }

            var manifest = Describe(databaseDirectory, database.ChainId, genesisHash, createdUtc, cancellationToken);
            BackupFiles.SyncDirectory(databaseDirectory);
            BackupFiles.WriteDurably(Path.Combine(root, BackupManifest.FileName), manifest.ToJson());
            return manifest;
        }
        catch
        {
            // A partial backup is never left looking like one: without its manifest a restore refuses it anyway.
            TryDelete(created ? root : databaseDirectory);
            throw;
        }
    }

    /// <summary>Opens the image read-only, verifies its table checksums, reads its identity and position, and hashes every file.</summary>
    private static BackupManifest Describe(string databaseDirectory, string chainId, byte[]? genesisHash, DateTimeOffset createdUtc, CancellationToken cancellationToken)
    {
        ulong applied, term, height;
        uint format;
        var headHash = "";
        using (var image = LedgerDatabase.OpenReadOnly(databaseDirectory, chainId))
        {
            VerifyTableChecksums(image);
            if (StateSnapshotInstaller.PendingManifest(image) is { } pending)
            {
                // Raft recorded a snapshot whose install had not finished: a start on this image would need the staged
                // copy, which is not part of a backup. Rare (the install takes seconds) and temporary.
                throw new BackupNotTakenException($"a snapshot install (raft index {pending.Meta.Index}) was in progress when the checkpoint was taken; run the backup again");
            }

            var rocks = image.Rocks;
            var read = new ReadOptions().SetVerifyChecksums(true);
            format = image.StoredFormatVersion;
            applied = StateSnapshotExporter.ReadU64(rocks, image.Meta, MetaKeys.AppliedRaftIndex, read);
            height = StateSnapshotExporter.ReadU64(rocks, image.Meta, MetaKeys.LatestHeight, read);
            BlockHeader? head = null;
            if (height > 0)
            {
                var key = new byte[BlockKeys.KeyBytes];
                BlockKeys.Write(key, BlockKeys.Hash, height);
                var hash = rocks.Get(key, image.Blocks, read) ?? throw new StorageCorruptionException($"the backup's latest block {height} has no hash record", height);
                headHash = Convert.ToHexStringLower(hash);
                BlockKeys.Write(key, BlockKeys.Header, height);
                head = BlockHeader.Parser.ParseFrom(rocks.Get(key, image.Blocks, read) ?? throw new StorageCorruptionException($"the backup's latest block {height} has no header", height));
            }

            term = AppliedTerm(image, read, applied, head);
        }

        var files = new List<BackupFile>();
        foreach (var path in Directory.GetFiles(databaseDirectory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!BackupManifest.IsPlainFileName(name))
            {
                throw new IOException($"the checkpoint holds a file named '{name}', which a manifest cannot list");
            }

            var (sha, size) = BackupFiles.Hash(path, cancellationToken);
            files.Add(new BackupFile(name, size, sha));
        }

        if (Directory.GetDirectories(databaseDirectory).Length > 0)
        {
            throw new IOException($"the checkpoint in '{databaseDirectory}' holds a subdirectory, which a manifest cannot list");
        }

        return new BackupManifest
        {
            ChainId = chainId,
            GenesisHashHex = genesisHash is null ? "" : Convert.ToHexStringLower(genesisHash),
            StorageFormatVersion = format,
            AppliedRaftIndex = applied,
            AppliedRaftTerm = term,
            Height = height,
            HeadHashHex = headHash,
            CreatedUtc = createdUtc,
            Files = files,
        };
    }

    /// <summary>
    /// The term of the entry at <paramref name="applied"/>: from the Raft log (or its start, when compacted exactly
    /// there), else from the head block when that block came from the applied entry (a store without a Raft log).
    /// </summary>
    private static ulong AppliedTerm(LedgerDatabase image, ReadOptions read, ulong applied, BlockHeader? head)
    {
        if (applied == 0)
        {
            return 0;
        }

        var start = image.Rocks.Get(RaftLogKeys.LogStart, image.RaftState, read);
        var (startIndex, startTerm) = start is null ? (0UL, 0UL) : RaftRecordReader.DecodeState(image, "log start", start, RaftRecordEncoding.DecodePosition);
        if (applied == startIndex)
        {
            return startTerm;
        }

        var entry = applied > startIndex ? image.Rocks.Get(RaftLogKeys.EntryKey(applied), image.RaftLog, read) : null;
        if (entry is not null)
        {
            return RaftRecordReader.DecodeEntry(image, applied, entry, static (index, bytes) => RaftRecordEncoding.DecodeEntryTerm(index, bytes));
        }

        if (head is not null && head.RaftIndex == applied)
        {
            return head.RaftTerm;
        }

        throw new StorageCorruptionException($"the backup's applied raft index {applied} is neither in its raft log (start {startIndex}) nor the head block's");
    }

    /// <summary>RocksDB VerifyChecksum over every table file of the image: a backup of already damaged data fails here, not at the restore.</summary>
    internal static void VerifyTableChecksums(LedgerDatabase image)
    {
        Native.Instance.rocksdb_verify_checksum(image.Rocks.Handle, out var error);
        if (error != IntPtr.Zero)
        {
            var message = Marshal.PtrToStringAnsi(error) ?? "unknown error";
            Native.Instance.rocksdb_free(error);
            throw new StorageCorruptionException($"checksum verification of '{image.DataDirectory}' failed: {message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
