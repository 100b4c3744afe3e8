using System.Runtime.InteropServices;

namespace Ledger.Node.Consensus;

/// <summary>
/// Raises the calling thread's scheduling priority, best effort. On Linux .NET does not map
/// <see cref="Thread.Priority"/> to the scheduler, so the thread's nice value is lowered directly
/// (Linux nice values are per thread). Without the privilege to do so the thread keeps its priority;
/// nothing else depends on it.
/// </summary>
internal static class ThreadPriorityBoost
{
    /// <summary>Nice value for the drive loop: ahead of request threads (0), well short of real-time.</summary>
    private const int DriverNice = -5;

    private const int PriorityProcess = 0;

    // The versioned name: "libc" alone resolves to libc.so, a linker script dlopen cannot load.
    private const string LibC = "libc.so.6";

    /// <summary>Returns true when the operating system accepted the higher priority.</summary>
    public static bool TryRaiseCurrentThread()
    {
        try
        {
            Thread.CurrentThread.Priority = ThreadPriority.AboveNormal;
        }
        catch (ThreadStateException)
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            return SetPriority(PriorityProcess, GetThreadId(), DriverNice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: these take and return plain ints (no marshalling), and LibraryImport
    // would need unsafe code enabled for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport(LibC, EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport(LibC, EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
#pragma warning restore SYSLIB1054
}
