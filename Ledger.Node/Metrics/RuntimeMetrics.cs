using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// The process and the .NET runtime under the node: prometheus-net's standard process and GC collectors
/// (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>, <c>process_open_handles</c>,
/// <c>process_num_threads</c>, <c>dotnet_collection_count_total</c>, <c>dotnet_total_memory_bytes</c>, ...),
/// which a custom registry does not get by default, plus what they leave out: the thread pool (threads,
/// queued work items, completed items), time the GC paused the process, bytes allocated and monitor lock
/// contention. Everything is a runtime counter read just before each scrape: nothing runs between scrapes.
/// </summary>
public sealed class RuntimeMetrics
{
    public const string ThreadPoolThreadsName = "ledger_threadpool_threads";
    public const string ThreadPoolQueueLengthName = "ledger_threadpool_queue_length";
    public const string ThreadPoolCompletedItemsName = "ledger_threadpool_completed_items_total";
    public const string GcPauseSecondsName = "ledger_gc_pause_seconds_total";
    public const string GcAllocatedBytesName = "ledger_gc_allocated_bytes_total";
    public const string LockContentionsName = "ledger_lock_contentions_total";

    private readonly Gauge threadPoolThreads;
    private readonly Gauge threadPoolQueueLength;
    private readonly Counter threadPoolCompletedItems;
    private readonly Counter gcPauseSeconds;
    private readonly Counter gcAllocatedBytes;
    private readonly Counter lockContentions;

    public RuntimeMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);

        // The process_* and dotnet_* families; each registry gets its own collector (several nodes in one test process).
        DotNetStats.Register(registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        threadPoolThreads = factory.CreateGauge(ThreadPoolThreadsName, "Thread pool threads that exist now (the pool injects threads when work waits; a climb means blocked work)");
        threadPoolQueueLength = factory.CreateGauge(ThreadPoolQueueLengthName, "Work items queued to the thread pool and not yet started (a standing queue means the pool cannot keep up)");
        threadPoolCompletedItems = factory.CreateCounter(ThreadPoolCompletedItemsName, "Work items the thread pool has completed since the process started");
        gcPauseSeconds = factory.CreateCounter(GcPauseSecondsName, "Seconds the garbage collector paused the process since it started; rate() of it is the fraction of time paused");
        gcAllocatedBytes = factory.CreateCounter(GcAllocatedBytesName, "Bytes allocated on the managed heap since the process started");
        lockContentions = factory.CreateCounter(LockContentionsName, "Times a thread waited for a contended Monitor lock since the process started");
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        threadPoolThreads.Set(ThreadPool.ThreadCount);
        threadPoolQueueLength.Set(ThreadPool.PendingWorkItemCount);
        threadPoolCompletedItems.IncTo(ThreadPool.CompletedWorkItemCount);
        gcPauseSeconds.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
        gcAllocatedBytes.IncTo(GC.GetTotalAllocatedBytes(precise: false));
        lockContentions.IncTo(Monitor.LockContentionCount);
    }
}
