using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;
using RocksDbSharp;

namespace Ledger.Storage.Snapshots;

/// <summary>
/// Writes the ledger state at one applied Raft index into a directory: one SST file per non-empty
/// state column family plus <see cref="SnapshotManifests.ManifestFileName"/>. Everything is read from
/// one RocksDB snapshot (a consistent view: the applied index, the blocks, the Merkle nodes and the
/// registry state all come from the same instant), so it runs off the apply thread while blocks keep
/// being applied. The Raft column families are not exported; only the term and membership at the
/// applied index are read from them, from the same view.
/// </summary>
public static class StateSnapshotExporter
{
    /// <summary>Exports into <paramref name="directory"/> (created; must be empty or absent) and returns the manifest it also wrote there.</summary>
    public static SnapshotManifest Export(LedgerDatabase database, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        Directory.CreateDirectory(directory);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"snapshot export directory '{directory}' is not empty");
        }

        var rocks = database.Rocks;
        using var view = rocks.CreateSnapshot();
        var read = new ReadOptions().SetVerifyChecksums(true).SetSnapshot(view);

        var applied = ReadU64(rocks, database.Meta, MetaKeys.AppliedRaftIndex, read);
        if (applied == 0)
        {
            throw new InvalidOperationException("nothing is applied yet; there is no state to snapshot");
        }

        var manifest = new SnapshotManifest
        {
            ChainId = database.ChainId,
            Meta = ReadRaftMeta(database, read, applied),
            Height = ReadU64(rocks, database.Meta, MetaKeys.LatestHeight, read),
            StorageFormatVersion = LedgerDatabase.FormatVersion,
        };
        if (manifest.Height > 0)
        {
            Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
            BlockKeys.Write(key, BlockKeys.Header, manifest.Height);
            var header = rocks.Get(key, database.Blocks, read) ?? throw new StorageCorruptionException($"header of the latest block {manifest.Height} is missing", manifest.Height);
            BlockKeys.Write(key, BlockKeys.Hash, manifest.Height);
            var hash = rocks.Get(key, database.Blocks, read) ?? throw new StorageCorruptionException($"hash of the latest block {manifest.Height} is missing", manifest.Height);
            manifest.LastHeader = BlockHeader.Parser.ParseFrom(header);
            manifest.LastBlockHash = ByteString.CopyFrom(hash);
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var family in SnapshotColumnFamilies.InstallOrder)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(directory, SnapshotColumnFamilies.FileName(family));
            if (WriteSst(rocks, family, read, path, cancellationToken))
            {
                var size = SnapshotHashing.AppendFile(path, sha);
                manifest.Files.Add(new SnapshotFile { ColumnFamily = family, SizeBytes = (ulong)size });
            }
        }

        manifest.ContentSha256 = ByteString.CopyFrom(sha.GetHashAndReset());
        File.WriteAllBytes(Path.Combine(directory, SnapshotManifests.ManifestFileName), manifest.ToByteArray());
        return manifest;
    }

    /// <summary>Term and membership at <paramref name="applied"/>, from the same view as the state.</summary>
    internal static RaftSnapshotMeta ReadRaftMeta(LedgerDatabase database, ReadOptions read, ulong applied)
    {
        var rocks = database.Rocks;
        var start = rocks.Get(RaftLogKeys.LogStart, database.RaftState, read);
        var (startIndex, startTerm) = start is null ? (0UL, 0UL) : RaftRecordReader.DecodeState(database, "log start", start, RaftRecordEncoding.DecodePosition);
        ulong term;
        if (applied == startIndex)
        {
            term = startTerm;
        }
        else if (applied > startIndex)
        {
            Span<byte> key = stackalloc byte[RaftLogKeys.EntryKeyBytes];
            RaftLogKeys.WriteEntryKey(key, applied);
            var entry = rocks.Get(key, database.RaftLog, read) ?? throw RaftRecordReader.EntryDamage(database, applied, "the applied entry is missing from the log");
            term = RaftRecordReader.DecodeEntry(database, applied, entry, static (index, bytes) => RaftRecordEncoding.DecodeEntryTerm(index, bytes));
        }
        else
        {
            throw new StorageCorruptionException($"applied raft index {applied} is below the raft log start {startIndex}");
        }

        var conf = rocks.Get(RaftLogKeys.ConfState, database.RaftState, read) ?? throw RaftRecordReader.StateDamage(database, "membership", "missing");
        var confState = RaftRecordReader.DecodeState(database, "membership", conf, RaftRecordEncoding.DecodeConfState);
        var meta = new RaftSnapshotMeta { Index = applied, Term = term };
        meta.Voters.Add(confState.Voters);
        meta.Learners.Add(confState.Learners);
        return meta;
    }

    /// <summary>Copies one column family into an SST file in key order; false (and no file) when the family is empty.</summary>
    private static bool WriteSst(RocksDb rocks, string family, ReadOptions read, string path, CancellationToken cancellationToken)
    {
        using var iterator = rocks.NewIterator(rocks.GetColumnFamily(family), read);
        iterator.SeekToFirst();
        if (!iterator.Valid())
        {
            return false;
        }

        // Same compression choice as the live families: Merkle hashes do not compress.
        var compression = family == ColumnFamilyNames.MerkleNodes ? Compression.No : Compression.Lz4;
        using var writer = new SstFileWriter(new EnvOptions(), new ColumnFamilyOptions().SetCompression(compression));
        writer.Open(path);
        var keys = 0;
        for (; iterator.Valid(); iterator.Next())
        {
            writer.Put(iterator.Key(), iterator.Value());
            if (++keys % 65_536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        writer.Finish();
        return true;
    }

    internal static ulong ReadU64(RocksDb rocks, ColumnFamilyHandle family, ReadOnlySpan<byte> key, ReadOptions read)
    {
        var bytes = rocks.Get(key, family, read);
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
