using System.Diagnostics;
using System.Globalization;

namespace Ledger.Storage.Tests;

/// <summary>
/// <see cref="LedgerDatabaseOptions.CompactionCpuPriority"/> reaches RocksDB's threads: with <c>Low</c> the thread
/// that ran a compaction runs at nice 19 while the flush threads and the process's own threads keep their
/// priority; with <c>Normal</c> it keeps the process's priority. The pools are process-wide and can only be
/// lowered (the test process itself opens databases with the default, <c>Low</c>), so each case runs in a
/// fresh child process (<see cref="CompactionCpuPriorityProbe"/>) that reports every thread's nice value.
/// Linux only: the values are read from /proc.
/// </summary>
public sealed class CompactionCpuPriorityTests
{
    /// <summary>RocksDB's CpuPriority::kLow, applied with setpriority.</summary>
    private const int LowNice = 19;

    /// <summary>Thread names RocksDB gives its pools ("rocksdb:" + the pool's priority in lower case).</summary>
    private const string CompactionThreadName = "rocksdb:low";
    private const string FlushThreadName = "rocksdb:high";

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    [Test]
    public void Open_LowPriority_CompactionThreadRunsAtNice19_FlushAndProcessThreadsDoNot()
    {
        var probe = ThreadsAfterACompaction(CompactionCpuPriority.Low);
        var threads = probe.Threads;
        var processNice = ProcessNice(probe);
        if (processNice == LowNice)
        {
            Assert.Ignore("the test process already runs at nice 19: a lowered pool cannot be told apart");
        }

        Assert.Multiple(() =>
        {
            Assert.That(threads.Where(t => t.Name.StartsWith(CompactionThreadName, StringComparison.Ordinal)).Select(t => t.Nice), Has.Some.EqualTo(LowNice), "the compaction thread that ran the job");
            Assert.That(threads.Where(t => t.Name.StartsWith(FlushThreadName, StringComparison.Ordinal)).Select(t => t.Nice), Is.Not.Empty.And.All.EqualTo(processNice), "flush threads keep the process's priority");
            Assert.That(threads.Where(t => !t.Name.StartsWith("rocksdb:", StringComparison.Ordinal)).Select(t => t.Nice), Is.All.EqualTo(processNice), "threads outside RocksDB's pools are untouched");
        });
    }

    [Test]
    public void Open_NormalPriority_CompactionThreadKeepsTheProcessPriority()
    {
        var probe = ThreadsAfterACompaction(CompactionCpuPriority.Normal);
        var threads = probe.Threads;
        var processNice = ProcessNice(probe);

        Assert.Multiple(() =>
        {
            Assert.That(threads.Where(t => t.Name.StartsWith(CompactionThreadName, StringComparison.Ordinal)).Select(t => t.Nice), Is.Not.Empty.And.All.EqualTo(processNice));
            Assert.That(threads.Select(t => t.Nice), Is.All.EqualTo(processNice), "no thread of the process was lowered");
        });
    }

    [Test]
    public void Validate_Default_IsLow()
    {
        var options = new LedgerDatabaseOptions { DataDirectory = "unused", ChainId = "test-chain" };

        Assert.That(options.CompactionCpuPriority, Is.EqualTo(CompactionCpuPriority.Low));
        Assert.DoesNotThrow(options.Validate);
    }

    [TestCase(-1)]
    [TestCase(2)]
    public void Validate_UndefinedPriority_ThrowsNamingIt(int value)
    {
        var options = new LedgerDatabaseOptions { DataDirectory = "unused", ChainId = "test-chain", CompactionCpuPriority = (CompactionCpuPriority)value };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.CompactionCpuPriority)));
            Assert.That(error.Message, Does.Contain("Normal or Low"));
        });
    }

    /// <summary>The nice value of the child's main thread (its thread id is the process id), which every thread starts with.</summary>
    private static int ProcessNice(Probe probe) => probe.Threads.Single(t => t.ThreadId == probe.ProcessId).Nice;

    private sealed record Probe(int ProcessId, List<(int ThreadId, int Nice, string Name)> Threads);

    private static Probe ThreadsAfterACompaction(CompactionCpuPriority priority)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("thread nice values are read from /proc (Linux only)");
        }

        using var directory = new TempDirectory();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CompactionCpuPriorityProbe).Assembly.Location);
        start.ArgumentList.Add(CompactionCpuPriorityProbe.Command);
        start.ArgumentList.Add(directory.Path);
        start.ArgumentList.Add(priority.ToString());
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the probe process");
        var errors = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEndAsync();
        if (!child.WaitForExit(ChildTimeout))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"the probe did not finish within {ChildTimeout}");
        }

        Assert.That(child.ExitCode, Is.Zero, () => $"probe failed: {errors.Result}");
        var lines = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var processId = lines.Where(line => line.StartsWith(CompactionCpuPriorityProbe.ProcessPrefix, StringComparison.Ordinal))
            .Select(line => int.Parse(line.AsSpan(CompactionCpuPriorityProbe.ProcessPrefix.Length), CultureInfo.InvariantCulture))
            .Single();
        var threads = lines
            .Where(line => line.StartsWith(CompactionCpuPriorityProbe.ThreadPrefix, StringComparison.Ordinal))
            .Select(line => line[CompactionCpuPriorityProbe.ThreadPrefix.Length..].Split(' ', 3))
            .Select(parts => (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]))
            .ToList();
        Assert.That(threads.Select(t => t.Item1), Does.Contain(processId), "the probe listed its main thread");
        return new Probe(processId, threads);
    }
}
