using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Storage.Snapshots;

/// <summary>
/// The receiving side's disk: one <c>incoming</c> directory where the snapshot being transferred is
/// written chunk by chunk (so a broken transfer resumes at <see cref="Begin"/>'s offset, even across
/// a restart), and <c>ready/&lt;index-hash&gt;</c> directories holding snapshots whose size and SHA-256
/// were verified. A snapshot becomes ready by one directory rename, so a crash leaves it either
/// incoming or ready, never half-moved. At most <see cref="ReadySnapshotsMax"/> ready snapshots are
/// kept. Not thread-safe: the receiver serializes transfers.
/// </summary>
public sealed class SnapshotStaging
{
    /// <summary>Verified snapshots kept waiting for Raft to install them.</summary>
    public const int ReadySnapshotsMax = 2;

    private readonly string incomingDirectory;
    private readonly string readyDirectory;
    private SnapshotManifest? incoming;
    private ulong received;

    public SnapshotStaging(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        incomingDirectory = Path.Combine(RootDirectory, "incoming");
        readyDirectory = Path.Combine(RootDirectory, "ready");
        Directory.CreateDirectory(readyDirectory);
    }

    public string RootDirectory { get; }

    /// <summary>
    /// Starts or resumes receiving <paramref name="manifest"/> (already validated by the caller) and
    /// returns how many bytes of its stream are staged: 0 for a new snapshot, the staged length when
    /// the same snapshot was partly received before, the total when it is already verified.
    /// </summary>
    public ulong Begin(SnapshotManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var total = SnapshotManifests.TotalBytes(manifest);
        if (FindReady(manifest) is not null)
        {
            return total;
        }

        incoming ??= LoadIncoming();
        if (incoming is not null && incoming.Equals(manifest))
        {
            received = StagedBytes(manifest);
            return received;
        }

        // A different snapshot replaces whatever was partly received: only one is ever staged.
        DeleteDirectory(incomingDirectory);
        Directory.CreateDirectory(incomingDirectory);
        WriteFileDurably(Path.Combine(incomingDirectory, SnapshotManifests.ManifestFileName), manifest.ToByteArray());
        incoming = manifest;
        received = 0;
        return 0;
    }

    /// <summary>Appends <paramref name="data"/> at <paramref name="offset"/>, which must equal the staged length.</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        var manifest = incoming ?? throw new InvalidOperationException("no snapshot transfer was begun");
        if (offset != received)
        {
            throw new SnapshotOffsetMismatchException(offset, received);
        }

        var total = SnapshotManifests.TotalBytes(manifest);
        if ((ulong)data.Length > total - received)
        {
            throw new SnapshotRejectedException($"snapshot chunk of {data.Length} bytes at {offset} runs past the snapshot's {total} bytes");
        }

        ulong fileStart = 0;
        foreach (var file in manifest.Files)
        {
            if (data.IsEmpty)
            {
                break;
            }

            var fileEnd = fileStart + file.SizeBytes;
            if (received < fileEnd)
            {
                var count = (int)Math.Min((ulong)data.Length, fileEnd - received);
                using (var stream = new FileStream(PathOf(incomingDirectory, file), FileMode.Append, FileAccess.Write, FileShare.None))
                {
                    if ((ulong)stream.Length != received - fileStart)
                    {
                        throw new IOException($"staged file {file.ColumnFamily} has {stream.Length} bytes, expected {received - fileStart}");
                    }

                    stream.Write(data[..count]);
                }

                received += (ulong)count;
                data = data[count..];
            }

            fileStart = fileEnd;
        }
    }

    /// <summary>Bytes of the current transfer staged so far.</summary>
    public ulong ReceivedBytes => received;

    /// <summary>
    /// Verifies the fully received snapshot (every file's size, then the SHA-256 over all of them),
    /// makes it durable and moves it to ready. On a mismatch the staged copy is discarded and
    /// <see cref="SnapshotRejectedException"/> is thrown, so the next attempt starts from zero.
    /// Returns the ready directory.
    /// </summary>
    public string Complete()
    {
        var manifest = incoming ?? throw new InvalidOperationException("no snapshot transfer was begun");
        var total = SnapshotManifests.TotalBytes(manifest);
        if (received != total)
        {
            throw new SnapshotRejectedException($"snapshot ended after {received} of {total} bytes");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in manifest.Files)
        {
            var path = PathOf(incomingDirectory, file);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }

            var size = SnapshotHashing.AppendFile(path, sha);
            if ((ulong)size != file.SizeBytes)
            {
                Discard();
                throw new SnapshotRejectedException($"snapshot file {file.ColumnFamily} has {size} bytes, the manifest says {file.SizeBytes}");
            }
        }

        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(manifest.ContentSha256.Span))
        {
            Discard();
            throw new SnapshotRejectedException("snapshot content does not match the manifest's SHA-256");
        }

        var target = Path.Combine(readyDirectory, SnapshotManifests.DirectoryName(manifest));
        DeleteDirectory(target);
        Directory.Move(incomingDirectory, target);
        incoming = null;
        received = 0;
        TrimReady(keep: target);
        return target;
    }

    /// <summary>The ready directory holding exactly <paramref name="manifest"/>'s snapshot, or null.</summary>
    public string? FindReady(SnapshotManifest manifest)
    {
        var path = Path.Combine(readyDirectory, SnapshotManifests.DirectoryName(manifest));
        var manifestPath = Path.Combine(path, SnapshotManifests.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        return SnapshotManifest.Parser.ParseFrom(File.ReadAllBytes(manifestPath)).Equals(manifest) ? path : null;
    }

    /// <summary>Deletes ready snapshots at or below <paramref name="appliedIndex"/>: installed, or overtaken by the log.</summary>
    public void RemoveReadyUpTo(ulong appliedIndex)
    {
        foreach (var directory in Directory.EnumerateDirectories(readyDirectory))
        {
            if (IndexOf(directory) is { } index && index <= appliedIndex)
            {
                DeleteDirectory(directory);
            }
        }
    }

    /// <summary>Throws away the partly received snapshot.</summary>
    public void Discard()
    {
        DeleteDirectory(incomingDirectory);
        incoming = null;
        received = 0;
    }

    private SnapshotManifest? LoadIncoming()
    {
        var path = Path.Combine(incomingDirectory, SnapshotManifests.ManifestFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return SnapshotManifest.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException)
        {
            // A manifest torn by a crash: the transfer restarts from zero.
            DeleteDirectory(incomingDirectory);
            return null;
        }
    }

    /// <summary>Contiguous bytes staged from the start of the stream (files are filled in order).</summary>
    private ulong StagedBytes(SnapshotManifest manifest)
    {
        ulong staged = 0;
        foreach (var file in manifest.Files)
        {
            var info = new FileInfo(PathOf(incomingDirectory, file));
            var length = info.Exists ? (ulong)info.Length : 0;
            if (length > file.SizeBytes)
            {
                // More than the manifest allows: start over rather than trust it.
                Discard();
                Begin(manifest);
                return 0;
            }

            staged += length;
            if (length < file.SizeBytes)
            {
                break;
            }
        }

        return staged;
    }

    private void TrimReady(string keep)
    {
        var directories = Directory.GetDirectories(readyDirectory);
        Array.Sort(directories, StringComparer.Ordinal);

        // Names start with the zero-padded index, so ordinal order is index order: drop the oldest.
        for (var i = 0; i < directories.Length - ReadySnapshotsMax; i++)
        {
            if (!string.Equals(directories[i], keep, StringComparison.Ordinal))
            {
                DeleteDirectory(directories[i]);
            }
        }
    }

    private static ulong? IndexOf(string directory)
    {
        var name = Path.GetFileName(directory);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && ulong.TryParse(name.AsSpan(0, dash), out var index) ? index : null;
    }

    internal static string PathOf(string directory, SnapshotFile file) => Path.Combine(directory, SnapshotColumnFamilies.FileName(file.ColumnFamily));

    private static void WriteFileDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
