using System.Runtime.InteropServices;

namespace Ledger.Bench;

/// <summary>
/// CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a shared, overloaded
/// machine wall-clock latency mostly measures the scheduler; CPU time shows what the code costs.
/// Reported beside wall-clock figures, never instead of them.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    public static double NowMicroseconds()
    {
        if (!IsSupported || clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            return double.NaN;
        }

        return (time.Seconds * 1e6) + (time.Nanoseconds / 1e3);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
