using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ledger.Cli.Batches;

/// <summary>
/// Opens a file of a directory manifest for reading only if it is a regular file. A plain open of a
/// named pipe blocks until some writer opens it (a manifest directory holding a FIFO hung the CLI), and
/// .NET exposes no file type; so on Linux and macOS the file is opened with O_NONBLOCK, which returns at
/// once for a FIFO, and anything that cannot seek (FIFO, socket, terminal) is refused as not a file.
/// On a regular file O_NONBLOCK changes nothing.
/// </summary>
internal static class RegularFile
{
    private const int ReadOnly = 0;

    public static FileStream OpenRead(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        }

        // O_NONBLOCK and O_CLOEXEC: Linux 0x800 and 0x80000 (x86-64 and arm64 alike); macOS 0x4 and 0x1000000.
        var flags = ReadOnly | (OperatingSystem.IsMacOS() ? 0x4 | 0x1000000 : 0x800 | 0x80000);
        var descriptor = Open(path, flags);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new ManifestFormatException(path, $"cannot be opened ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        FileStream stream;
        try
        {
            stream = new FileStream(handle, FileAccess.Read, 64 * 1024);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new ManifestFormatException(path, "is not a regular file (a named pipe, socket or device): only files can be items");
        }

        return stream;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
