using System.Globalization;

namespace Ledger.Storage.Tests;

/// <summary>
/// Child-process side of <see cref="CompactionCpuPriorityTests"/>: RocksDB's thread pools belong to the process-wide
/// default environment and their priority can only be lowered, so each priority is observed in a fresh process.
/// Opens a database with the given <see cref="CompactionCpuPriority"/>, forces one compaction (two overlapping
/// level-0 files of registry_state merged by CompactRange, which runs on the compaction pool), then prints one
/// line per thread of the process, <c>thread &lt;tid&gt; &lt;nice&gt; &lt;name&gt;</c>, after <c>process &lt;pid&gt;</c> (the main thread's tid), read from /proc/self/task (Linux only).
/// </summary>
internal static class CompactionCpuPriorityProbe
{
    public const string Command = "compaction-priority-probe";
    public const string ThreadPrefix = "thread ";
    public const string ProcessPrefix = "process ";

    public static int Run(string dataDirectory, string priority)
    {
        var options = new LedgerDatabaseOptions
        {
            DataDirectory = dataDirectory,
            ChainId = "test-chain",
            SyncWrites = false,
            CompactionCpuPriority = Enum.Parse<CompactionCpuPriority>(priority, ignoreCase: false),
        };
        using var database = LedgerDatabase.Open(options);
        for (var file = 0; file < 2; file++)
        {
            for (byte key = 0; key < 64; key++)
            {
                using var batch = new RocksDbSharp.WriteBatch();
                batch.Put([0x40, key], [(byte)file, key], database.RegistryState);
                database.Write(batch);
            }

            database.Flush();
        }

        database.Rocks.CompactRange(null, null, database.RegistryState);
        if (database.GetProperty("rocksdb.num-files-at-level0", database.RegistryState) != "0")
        {
            Console.Error.WriteLine("the forced compaction left level-0 files behind");
            return 3;
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProcessPrefix}{Environment.ProcessId}"));
        foreach (var (threadId, nice, name) in ThreadNiceValues.OfCurrentProcess())
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ThreadPrefix}{threadId} {nice} {name}"));
        }

        Console.Out.Flush();
        return 0;
    }
}

/// <summary>Each thread's nice value and name, from /proc/self/task/&lt;tid&gt;/stat and comm (Linux).</summary>
internal static class ThreadNiceValues
{
    /// <summary>Field 19 of /proc/[pid]/task/[tid]/stat (proc(5)); fields are counted after the parenthesised name, which may hold spaces.</summary>
    private const int NiceFieldAfterName = 19 - 3;

    public static IEnumerable<(int ThreadId, int Nice, string Name)> OfCurrentProcess()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            string name;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread exited between the listing and the read
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return (int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), int.Parse(fields[NiceFieldAfterName], CultureInfo.InvariantCulture), name);
        }
    }
}
