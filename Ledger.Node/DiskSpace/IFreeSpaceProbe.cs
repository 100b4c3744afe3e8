namespace Ledger.Node.DiskSpace;

/// <summary>
/// How many bytes an unprivileged writer can still put on the file system that holds a directory
/// (statvfs <c>f_bavail</c>: root's reserved blocks excluded). Injected so tests decide what the disk says.
/// </summary>
public interface IFreeSpaceProbe
{
    /// <summary>Bytes available in the file system of <paramref name="directory"/>; throws <see cref="IOException"/> when it cannot tell.</summary>
    long AvailableBytes(string directory);
}

/// <summary>The real file system, through <see cref="DriveInfo"/> (statvfs on the directory itself, whichever mount holds it).</summary>
public sealed class FileSystemFreeSpace : IFreeSpaceProbe
{
    public long AvailableBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;
}
