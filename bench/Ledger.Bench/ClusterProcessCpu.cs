using System.Globalization;

namespace Ledger.Bench;

/// <summary>
/// CPU time (user + system) of the processes under test, read from <c>/proc/PID/stat</c>, so a phase
/// can be reported as work per CPU-second: a figure that survives a machine shared with other load
/// far better than ops/s does.
/// </summary>
public sealed class ClusterProcessCpu(IReadOnlyList<(string Name, int Pid)> processes)
{
    private const double ClockTicksPerSecond = 100.0;

    public IReadOnlyList<(string Name, int Pid)> Processes { get; } = processes;

    /// <summary>Parses <c>name=pid,name=pid</c>; empty when not given.</summary>
    public static ClusterProcessCpu Parse(string? list)
    {
        var processes = new List<(string, int)>();
        foreach (var item in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=');
            if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                processes.Add((parts[0], pid));
            }
        }

        return new ClusterProcessCpu(processes);
    }

    /// <summary>CPU seconds used so far by each process (NaN when it cannot be read).</summary>
    public double[] Sample()
    {
        var seconds = new double[Processes.Count];
        for (var i = 0; i < seconds.Length; i++)
        {
            seconds[i] = CpuSeconds(Processes[i].Pid);
        }

        return seconds;
    }

    /// <summary>One line: CPU seconds per process between two samples, and ops per CPU-second of <paramref name="focus"/>.</summary>
    public string Describe(string label, double[] before, double[] after, long operations, string? focus)
    {
        var line = $"cpu {label}:";
        var focusSeconds = double.NaN;
        var totalSeconds = 0.0;
        for (var i = 0; i < Processes.Count; i++)
        {
            var used = after[i] - before[i];
            totalSeconds += double.IsFinite(used) ? used : 0;
            line += string.Create(CultureInfo.InvariantCulture, $" {Processes[i].Name}={used:F1}s");
            if (string.Equals(Processes[i].Name, focus, StringComparison.Ordinal))
            {
                focusSeconds = used;
            }
        }

        line += string.Create(CultureInfo.InvariantCulture, $" | ops={operations} ops_per_cpu_s(all listed)={operations / totalSeconds:F0}");
        if (double.IsFinite(focusSeconds) && focusSeconds > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" ops_per_cpu_s({focus})={operations / focusSeconds:F0}");
        }

        return line;
    }

    private static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (user + system) / ClockTicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }
}
