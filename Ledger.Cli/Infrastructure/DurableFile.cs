using Ledger.Cli.Witness;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Writes a file so that after a crash it is either absent/old or complete: a temporary file (named by
/// process, so two processes never write the same one), fsync, rename, fsync of the directory (.NET
/// cannot open a directory as a file, so the rename itself would not survive a power loss otherwise).
/// </summary>
public static class DurableFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
        SyncDirectory(directory);
    }

    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // NTFS journals the rename; a directory cannot be opened for flushing there.
        }

        var descriptor = DirectorySync.Open(directory, DirectorySync.ReadOnlyDirectoryFlags);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open {directory} to make a rename durable");
        }

        try
        {
            if (DirectorySync.Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of {directory} failed");
            }
        }
        finally
        {
            _ = DirectorySync.Close(descriptor);
        }
    }
}
