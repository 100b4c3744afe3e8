using System.Runtime.InteropServices;

namespace Ledger.Cli.Witness;

/// <summary>POSIX open/fsync/close, to fsync a directory after a rename (Linux and macOS).</summary>
internal static class DirectorySync
{
    /// <summary>O_RDONLY (0) | O_DIRECTORY (Linux 0x10000; macOS 0x100000).</summary>
    public static int ReadOnlyDirectoryFlags => OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

    [DllImport("libc", EntryPoint = "open")]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    public static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    public static extern int Close(int descriptor);
}
