using System.Runtime.InteropServices;

namespace Ledger.Node.Metrics;

/// <summary>
/// CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID), in seconds; NaN elsewhere. On a
/// shared machine a call's wall time mostly measures the scheduler; its thread's CPU time measures the code.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    public static double NowSeconds()
    {
        if (!IsSupported || ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            return double.NaN;
        }

        return time.Seconds + (time.Nanoseconds / 1e9);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
