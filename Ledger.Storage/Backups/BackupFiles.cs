using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ledger.Storage.Backups;

/// <summary>File operations of backups and restores: hashing, copying while hashing, and making renames durable.</summary>
internal static class BackupFiles
{
    private const int BufferBytes = 1 << 20;

    /// <summary>SHA-256 (hex, lower case) and length of the file at <paramref name="path"/>.</summary>
    public static (string Sha256Hex, long SizeBytes) Hash(string path, CancellationToken cancellationToken)
    {
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Pump(source, destination: null, cancellationToken);
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (new file), fsyncs it, and returns the SHA-256 of the bytes written.</summary>
    public static (string Sha256Hex, long SizeBytes) CopyAndHash(string source, string destination, CancellationToken cancellationToken)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        var result = Pump(input, output, cancellationToken);
        output.Flush(flushToDisk: true);
        return result;
    }

    private static (string, long) Pump(FileStream source, FileStream? destination, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            long size = 0;
            int read;
            while ((read = source.Read(buffer, 0, BufferBytes)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sha.AppendData(buffer, 0, read);
                destination?.Write(buffer, 0, read);
                size += read;
            }

            return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a synced temporary file and a rename, so a reader sees all of it or nothing.</summary>
    public static void WriteDurably(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>fsync of a directory, so the names created or renamed in it survive a crash (Linux and macOS; NTFS journals renames).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var descriptor = Open(directory, OperatingSystem.IsMacOS() ? 0x100000 : 0x10000);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open '{directory}' to make its new entries durable");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of '{directory}' failed");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);

    /// <summary>Whether <paramref name="directory"/> is absent or empty.</summary>
    public static bool IsAbsentOrEmpty(string directory) =>
        !Directory.Exists(directory) ? !File.Exists(directory) : !Directory.EnumerateFileSystemEntries(directory).Any();
}
