namespace Ledger.Chaos.Disk;

/// <summary>Copies of a stopped node's data directory, to put back later as a restored backup would.</summary>
public static class DataDirectoryCopy
{

    /// <summary>Copies every file under <paramref name="source"/> into a new <paramref name="destination"/>.</summary>
    public static void Take(string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (Directory.Exists(destination))
        {
            throw new IOException($"{destination} exists already");
        }

        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == Node.Admin.AdminSocket.FileName)
            {
                // The node's admin socket (left by a killed node) is not data, and a socket cannot be copied as a file.
                continue;
            }

            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }

    /// <summary>Replaces <paramref name="directory"/> with a fresh copy of <paramref name="olderCopy"/> (which is kept, so it can be restored again).</summary>
    public static DiskCorruption Restore(string directory, string olderCopy)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(olderCopy))
        {
            throw new DirectoryNotFoundException($"no older copy at {olderCopy}");
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Take(olderCopy, directory);
        return new DiskCorruption(DiskFaultAction.ReplaceWithOlderCopy, Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), Kind: null, OffsetBytes: 0, OldByte: 0, NewByte: 0, TruncatedBytes: 0);
    }
}
