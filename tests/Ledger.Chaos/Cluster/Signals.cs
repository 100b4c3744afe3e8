using System.Runtime.InteropServices;

namespace Ledger.Chaos.Cluster;

/// <summary>POSIX signals to a child process: <see cref="System.Diagnostics.Process.Kill()"/> only sends SIGKILL.</summary>
internal static partial class Signals
{
    // Linux numbering (x86-64 and arm64 agree on these two).
    private const int SigStop = 19;
    private const int SigCont = 18;

    public static void Stop(int processId) => Send(processId, SigStop);

    public static void Continue(int processId) => Send(processId, SigCont);

    private static void Send(int processId, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("pausing a node with SIGSTOP needs Linux");
        }

        if (kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled; one int-only call does not need it.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
