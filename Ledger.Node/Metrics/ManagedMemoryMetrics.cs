using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// The node's managed memory beside the RSS an operator sees: the GC heap after the last collection,
/// what the GC has committed from the OS, its fragmentation, and the Raft entries held in memory. Read
/// just before each scrape (<see cref="GC.GetGCMemoryInfo()"/> is a copy of the last collection's figures).
/// </summary>
public sealed class ManagedMemoryMetrics
{
    private readonly Gauge heapBytes;
    private readonly Gauge committedBytes;
    private readonly Gauge fragmentedBytes;
    private readonly Gauge raftEntryCacheBytes;
    private readonly Gauge availableBytes;
    private readonly Func<long> readRaftEntryCacheBytes;

    /// <summary>The configured memory budget's gauge: managed heap limit + block cache + memtable budget; 0 when the heap has no limit.</summary>
    public const string BudgetBytesName = "ledger_memory_budget_bytes";

    /// <summary>What the GC may use: the heap hard limit when one is set, otherwise the machine's (or container's) memory.</summary>
    public const string GcAvailableBytesName = "ledger_gc_available_bytes";

    /// <param name="readRaftEntryCacheBytes">Bytes of Raft entries the log keeps in memory now.</param>
    /// <param name="budgetBytes">The node's configured memory budget (<see cref="Configuration.MemoryOptions.BudgetBytes"/>); null when unbounded.</param>
    public ManagedMemoryMetrics(CollectorRegistry registry, Func<long> readRaftEntryCacheBytes, long? budgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.readRaftEntryCacheBytes = readRaftEntryCacheBytes;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        heapBytes = factory.CreateGauge("ledger_gc_heap_bytes", "Managed heap size after the last garbage collection (live objects and fragmentation)");
        committedBytes = factory.CreateGauge("ledger_gc_committed_bytes", "Memory the garbage collector has committed from the operating system");
        fragmentedBytes = factory.CreateGauge("ledger_gc_fragmented_bytes", "Free space inside the managed heap after the last garbage collection");
        raftEntryCacheBytes = factory.CreateGauge("ledger_raft_entry_cache_bytes", "Bytes of recent Raft entries held in memory for followers (at most RaftEntryCache.BytesMax)");
        availableBytes = factory.CreateGauge(GcAvailableBytesName, "Memory the GC may use: Node:Memory:GcHeapHardLimitBytes when set, otherwise the machine's or container's memory");
        factory.CreateGauge(BudgetBytesName, "The node's configured memory budget beside process_working_set_bytes (its RSS): managed heap limit + RocksDB block cache + memtable budget; 0 when the managed heap has no limit").Set(budgetBytes ?? 0);
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var info = GC.GetGCMemoryInfo();
        heapBytes.Set(info.HeapSizeBytes);
        committedBytes.Set(info.TotalCommittedBytes);
        fragmentedBytes.Set(info.FragmentedBytes);
        availableBytes.Set(info.TotalAvailableMemoryBytes);
        raftEntryCacheBytes.Set(readRaftEntryCacheBytes());
    }
}
