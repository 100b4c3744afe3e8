using Ledger.Node.Configuration;
using Ledger.Node.Hosting;
using Ledger.Cluster.Tests.Support;

namespace Ledger.Cluster.Tests;

/// <summary>
/// <c>Node:Memory:GcHeapHardLimitBytes</c> in a real node process (Server GC with DATAS, as shipped): the runtime
/// takes the limit at start, the GC reports it as the memory available to the heap, and the start-up line states
/// the budget; a limit below the node's own bounded data is refused before anything opens.
/// </summary>
[NonParallelizable]
public sealed class MemoryLimitTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Start_WithAHeapLimit_TheGcReportsItAndTheBudgetLineSumsTheBounds()
    {
        const long limitMiB = 900;
        using var cluster = ProcessCluster.Start(1, $"--Node:Memory:GcHeapHardLimitBytes={limitMiB * MiB}", $"--Node:Storage:BlockCacheBytes={64 * MiB}", $"--Node:Storage:MemtableBudgetBytes={128 * MiB}", "--Logging:LogLevel:Ledger.Node.Hosting.MemoryBudgetLog=Information");
        var node = cluster.Nodes[0];

        await cluster.WaitForLeaderAsync(StartTimeout);

        var output = node.RecentOutput();
        Assert.That(output, Does.Contain($"memory budget {limitMiB + 64 + 128} MiB = managed heap limit {limitMiB} MiB (Node:Memory:GcHeapHardLimitBytes; the GC reports {limitMiB} MiB)"), output);
    }

    [Test]
    public async Task Start_WithAHeapLimitBelowTheNodesBoundedData_ExitsWithAConfigurationErrorNamingTheSetting()
    {
        using var cluster = ProcessCluster.Start(1, $"--Node:Memory:GcHeapHardLimitBytes={64 * MiB}");
        var node = cluster.Nodes[0];

        var exitCode = await node.WaitForExitAsync(StartTimeout);

        var output = node.RecentOutput();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitConfiguration), output);
            Assert.That(output, Does.Contain("Node:Memory:GcHeapHardLimitBytes (67108864) must be 0 (no limit) or at least"), output);
            Assert.That(output, Does.Not.Contain("   at "), "one line, no stack trace");
        });
    }

    [Test]
    public void Minimum_WithDefaultBatches_IsBelowTheLimitTheFirstTestUses()
    {
        Assert.That(MemoryOptions.GcHeapHardLimitBytesMin(new NodeOptions().Batching.BatchBytesMax), Is.LessThanOrEqualTo(900 * MiB));
    }
}
