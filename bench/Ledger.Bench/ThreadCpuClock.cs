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

    /// <summary>Involuntary context switches of the calling thread so far (the scheduler preempted it); -1 when unknown.</summary>
    public static long InvoluntarySwitches()
    {
        if (!IsSupported || getrusage(RusageThread, out var usage) != 0)
        {
            return -1;
        }

        return usage.InvoluntaryContextSwitches;
    }

    /// <summary>Voluntary plus involuntary context switches of the calling thread so far; -1 when unknown.</summary>
    public static long AllSwitches()
    {
        if (!IsSupported || getrusage(RusageThread, out var usage) != 0)
        {
            return -1;
        }

        return usage.InvoluntaryContextSwitches + usage.VoluntaryContextSwitches;
    }

    private const int RusageThread = 1;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int getrusage(int who, out Rusage usage);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs ending in ru_nvcsw, ru_nivcsw.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntaryContextSwitches;
        public long InvoluntaryContextSwitches;
    }
}
