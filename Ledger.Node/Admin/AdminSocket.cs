using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ledger.Node.Admin;

/// <summary>
/// The node operator's channel: a Unix domain socket at <c>DATA/admin/admin.sock</c>, serving only the
/// <c>NodeAdmin</c> gRPC service (backup). Who may call it is decided by the file system, not by a key: the
/// <c>admin</c> directory is created mode 0700, so only the node's own OS user (and root) can reach the socket; a
/// consortium member or peer reaches the node only over TCP, where the service refuses every call
/// (<see cref="NodeAdminService"/>). Nothing listens on the network for it.
/// </summary>
public static class AdminSocket
{
    public const string DirectoryName = "admin";

    public const string FileName = "admin.sock";

    /// <summary>Longest socket path Linux accepts (sun_path is 108 bytes with its terminating zero).</summary>
    public const int PathBytesMax = 107;

    public static string PathFor(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName, FileName);

    /// <summary>
    /// Listens on the admin socket of <paramref name="dataDirectory"/>; false (and nothing listens) where the
    /// platform has no Unix sockets or the path is too long for one, which the caller logs.
    /// </summary>
    public static bool Listen(KestrelServerOptions kestrel, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var path = PathFor(dataDirectory);
        if (!Socket.OSSupportsUnixDomainSockets || OperatingSystem.IsWindows() || Encoding.UTF8.GetByteCount(path) > PathBytesMax)
        {
            return false;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        // Owner only, whatever the umask made of it: entering the directory is what grants the socket.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (File.Exists(path))
        {
            // Left by a previous run that did not stop cleanly; this process holds the database lock, so no other node uses it.
            File.Delete(path);
        }

        kestrel.ListenUnixSocket(path, listen => listen.Protocols = HttpProtocols.Http2);
        return true;
    }
}
