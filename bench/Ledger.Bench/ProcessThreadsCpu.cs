using System.Globalization;
using System.Text;

namespace Ledger.Bench;

/// <summary>
/// CPU time of every thread of this process, grouped by thread name (Linux
/// <c>/proc/self/task/*/schedstat</c>, nanoseconds on the CPU; <c>comm</c> for the name), so a
/// per-process CPU figure can say where the time beyond the measured thread went: garbage
/// collection, tiered JIT, RocksDB flushes and compactions. Empty where /proc is missing.
/// </summary>
internal static class ProcessThreadsCpu
{
    // Threads are few (tens); the bound keeps a runaway process from making this slow.
    private const int ThreadsMax = 4_096;

    /// <summary>CPU nanoseconds so far per thread id, with the thread's name, of this process or of process <paramref name="processId"/>.</summary>
    public static Dictionary<int, (string Name, long Nanoseconds)> Snapshot(int? processId = null)
    {
        var threads = new Dictionary<int, (string Name, long Nanoseconds)>();
        var tasks = processId is { } id0 ? $"/proc/{id0.ToString(CultureInfo.InvariantCulture)}/task" : "/proc/self/task";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(tasks))
        {
            return threads;
        }

        foreach (var directory in Directory.EnumerateDirectories(tasks))
        {
            if (threads.Count >= ThreadsMax)
            {
                break;
            }

            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            try
            {
                var schedstat = File.ReadAllText(Path.Combine(directory, "schedstat"));
                var end = schedstat.IndexOf(' ', StringComparison.Ordinal);
                var nanoseconds = long.Parse(end < 0 ? schedstat : schedstat[..end], NumberStyles.None, CultureInfo.InvariantCulture);
                var name = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                threads[id] = (name, nanoseconds);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return threads;
    }

    /// <summary>
    /// "name µs, name µs, ..." per <paramref name="units"/> between two snapshots, largest first,
    /// threads of the same name summed (a thread that started in between counts from zero).
    /// </summary>
    public static string Describe(Dictionary<int, (string Name, long Nanoseconds)> before, Dictionary<int, (string Name, long Nanoseconds)> after, double units, string unitName)
    {
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, thread) in after)
        {
            var started = before.TryGetValue(id, out var earlier) ? earlier.Nanoseconds : 0;
            var spent = thread.Nanoseconds - started;
            if (spent > 0)
            {
                byName[thread.Name] = byName.GetValueOrDefault(thread.Name) + spent;
            }
        }

        var ordered = new List<KeyValuePair<string, long>>(byName);
        ordered.Sort((x, y) => y.Value.CompareTo(x.Value));
        var text = new StringBuilder();
        foreach (var (name, nanoseconds) in ordered)
        {
            var microsecondsPerUnit = nanoseconds / 1e3 / units;
            if (microsecondsPerUnit < 0.05)
            {
                break;
            }

            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name} {microsecondsPerUnit:F1} µs");
        }

        return text.Length == 0 ? "(no per-thread figures)" : $"{text} per {unitName}";
    }
}
