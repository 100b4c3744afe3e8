namespace Ledger.Storage;

/// <summary>
/// The CPU priority of RocksDB's compaction threads (<see cref="LedgerDatabaseOptions.CompactionCpuPriority"/>).
/// Flush threads are never lowered: a flush that falls behind stops writes within a few memtables.
/// </summary>
public enum CompactionCpuPriority
{
    /// <summary>Compactions run at the process's own priority.</summary>
    Normal = 0,

    /// <summary>
    /// Compaction threads run at nice 19 (RocksDB's CpuPriority::kLow; Linux: setpriority on each thread as it
    /// takes its next job): reads and writes are served first and compactions use the CPU left over.
    /// </summary>
    Low = 1,
}
