using Ledger.Node.Consensus;
using Ledger.Node.Verification;
using Ledger.Storage.Raft;

namespace Ledger.Node.Configuration;

/// <summary>
/// The managed heap's bound (<c>Node:Memory:*</c>). With <see cref="StorageOptions"/>' block cache and memtable
/// budget it makes the node's memory budget (<see cref="BudgetBytes"/>), which the node logs at start and exports
/// as <c>ledger_memory_budget_bytes</c> beside its RSS (docs/operations.md, "Memory"). Checked once at start-up
/// (<see cref="Validate"/>); applied to the process by <see cref="Hosting.GcHeapLimit"/>.
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>
    /// What the node itself keeps in the managed heap at most, each by its own constant bound: the apply queue
    /// (<see cref="RaftDriverOptions.ApplyQueueBytesMax"/>), the Raft entry cache (<see cref="RaftEntryCache.BytesMax"/>)
    /// and the follower's signature pre-verification queue (<see cref="EntryPreverifier.QueueBytesMax"/>). Batches
    /// being built, parsed and applied come on top (<see cref="Batching.BatcherOptions.BatchBytesMax"/> each).
    /// </summary>
    public static readonly long BoundedManagedBytes = new RaftDriverOptions().ApplyQueueBytesMax + RaftEntryCache.BytesMax + EntryPreverifier.QueueBytesMax;

    /// <summary>
    /// Copies of one batch alive at once on the write path (the request, the Raft entry, its parsed transactions,
    /// the block being built, a peer's append): a limit must leave this many batches' room beyond the queues.
    /// </summary>
    public const int BatchCopiesInFlightMax = 8;

    /// <summary>Room for everything else (gRPC and Kestrel buffers, caches of receipts and verdicts, the runtime's own).</summary>
    public const long WorkingBytes = 256L * 1024 * 1024;

    /// <summary>The largest limit accepted (1 TiB).</summary>
    public const long GcHeapHardLimitBytesMaxLimit = 1024L * 1024 * 1024 * 1024;

    /// <summary>
    /// The GC's hard limit on the managed heap, bytes (the runtime's <c>GCHeapHardLimit</c>, set at start; the GC
    /// collects and compacts, the large object heap included, to stay below it, and a node that still needs more
    /// fails with OutOfMemoryException rather than growing). 0: no limit of the node's own (the runtime's default
    /// applies: 75 % of a container's memory limit, none on a bare host), and the logged budget says "unbounded".
    /// </summary>
    public long GcHeapHardLimitBytes { get; set; }

    /// <summary>The smallest limit accepted with batches of <paramref name="batchBytesMax"/>: the node's bounded queues and caches, a few batches in flight, and working room.</summary>
    public static long GcHeapHardLimitBytesMin(long batchBytesMax) => BoundedManagedBytes + (BatchCopiesInFlightMax * batchBytesMax) + WorkingBytes;

    /// <summary>
    /// The bytes the node's memory is configured to: the managed heap limit plus RocksDB's block cache and
    /// memtable budget; null when the managed heap has no limit. The RSS bound adds the runtime and native
    /// overhead (docs/operations.md, "Memory").
    /// </summary>
    public long? BudgetBytes(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return GcHeapHardLimitBytes == 0 ? null : GcHeapHardLimitBytes + storage.BlockCacheBytes + storage.MemtableBudgetBytes;
    }

    /// <summary>Throws, naming <c>Node:Memory:GcHeapHardLimitBytes</c>, when the limit is out of range or cannot hold the node's own bounded data.</summary>
    /// <param name="batchBytesMax">The batch bound (<c>Node:Batching:BatchBytesMax</c>).</param>
    public void Validate(long batchBytesMax)
    {
        if (GcHeapHardLimitBytes == 0)
        {
            return;
        }

        if (GcHeapHardLimitBytes is < 0 or > GcHeapHardLimitBytesMaxLimit)
        {
            throw new InvalidOperationException($"Node:Memory:GcHeapHardLimitBytes must be 0 (no limit) or within 1..{GcHeapHardLimitBytesMaxLimit} (1 TiB), was {GcHeapHardLimitBytes}");
        }

        var minimum = GcHeapHardLimitBytesMin(batchBytesMax);
        if (GcHeapHardLimitBytes < minimum)
        {
            throw new InvalidOperationException(
                $"Node:Memory:GcHeapHardLimitBytes ({GcHeapHardLimitBytes}) must be 0 (no limit) or at least {minimum} ({minimum / (1024 * 1024)} MiB): " +
                $"the apply queue, Raft entry cache and verification queue ({BoundedManagedBytes / (1024 * 1024)} MiB), {BatchCopiesInFlightMax} batches of Node:Batching:BatchBytesMax ({batchBytesMax}) and {WorkingBytes / (1024 * 1024)} MiB of working room");
        }
    }
}
