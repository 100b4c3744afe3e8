using Ledger.Node.Configuration;

namespace Ledger.Node.Hosting;

/// <summary>The start-up line that states the node's memory budget: each configured bound and their sum (docs/operations.md, "Memory").</summary>
internal static partial class MemoryBudgetLog
{
    private const long MiB = 1024 * 1024;

    public static void Report(NodeOptions options, long gcAvailableBytes, ILogger logger)
    {
        var storage = options.Storage;
        var budget = options.Memory.BudgetBytes(storage);
        if (budget is { } bytes)
        {
            Budget(logger, bytes / MiB, options.Memory.GcHeapHardLimitBytes / MiB, storage.BlockCacheBytes / MiB, storage.MemtableBudgetBytes / MiB, gcAvailableBytes / MiB);
        }
        else
        {
            Unbounded(logger, storage.BlockCacheBytes / MiB, storage.MemtableBudgetBytes / MiB, gcAvailableBytes / MiB);
        }
    }

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information,
        Message = "memory budget {BudgetMiB} MiB = managed heap limit {GcHeapLimitMiB} MiB (Node:Memory:GcHeapHardLimitBytes; the GC reports {GcAvailableMiB} MiB) + block cache {BlockCacheMiB} MiB + memtables {MemtableMiB} MiB (Node:Storage:*); RSS stays within it plus the runtime's and RocksDB's own overhead")]
    private static partial void Budget(ILogger logger, long budgetMiB, long gcHeapLimitMiB, long blockCacheMiB, long memtableMiB, long gcAvailableMiB);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning,
        Message = "memory budget unbounded: no managed heap limit (Node:Memory:GcHeapHardLimitBytes is 0; the GC may use {GcAvailableMiB} MiB); block cache {BlockCacheMiB} MiB + memtables {MemtableMiB} MiB (Node:Storage:*)")]
    private static partial void Unbounded(ILogger logger, long blockCacheMiB, long memtableMiB, long gcAvailableMiB);
}
