using System.Diagnostics;
using System.Diagnostics.Tracing;
using Ledger.Consensus;

namespace Ledger.Bench;

/// <summary>
/// Raft throughput: a 3-node in-memory cluster (MemoryRaftLogStorage, direct message delivery, no faults)
/// driven as fast as one thread can, with 256-byte proposals batched many per Ready cycle.
/// Ends with <c>raft_proposals_per_s=N allocs_per_proposal=X</c>.
/// </summary>
/// <remarks>
/// Allocations: bytes are exact (<see cref="GC.GetAllocatedBytesForCurrentThread"/>; the whole run is on this
/// thread), counted separately for the proposal calls and for everything else. .NET has no exact object
/// counter, so objects are derived from bytes: proposal-path bytes ÷ the measured size of an <see cref="Entry"/>
/// (the one object a proposal creates) plus all other bytes ÷ the smallest object size — an upper bound. The
/// runtime's GC AllocationTick samples (one per ~100 KB) give a second, estimated figure as a cross-check.
/// </remarks>
public static class RaftBench
{
    private const int PayloadBytes = 256;
    /// <summary>The smallest object the 64-bit runtime allocates (header, method table, one field slot).</summary>
    private const int MinObjectBytes = 24;
    private const int ProposalsPerCycleDefault = 4096;
    private const int CompactEveryEntries = 1 << 16;
    private const int PumpRoundsMax = 64;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var seconds = 5.0;
        var batch = ProposalsPerCycleDefault;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--batch" when i + 1 < args.Length:
                    batch = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine("usage: Ledger.Bench raft [--seconds S] [--batch PROPOSALS_PER_CYCLE]");
                    return 2;
            }
        }

        var cluster = new BenchCluster();
        cluster.ElectFirstNode();

        // Warm-up (JIT, list capacities, block pools), then the measured run.
        var entryBytes = MeasureEntryBytes();
        cluster.Drive(TimeSpan.FromSeconds(Math.Min(1.0, seconds / 4)), batch);
        var (messageBytes, readyBytes) = cluster.MeasureReplicationObjectBytes();
        cluster.ResetCounters();
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var gen0Before = GC.CollectionCount(0);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var committed = cluster.Drive(TimeSpan.FromSeconds(seconds), batch);
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        var gen0 = GC.CollectionCount(0) - gen0Before;

        // Objects per proposal, from exact byte counts divided by object sizes measured on this runtime. The
        // proposal path allocates only the proposal's Entry (checked: its bytes are one Entry per proposal). The
        // rest of the steady state allocates only Message and Ready objects (a few per cycle; entry lists are
        // windows and the message lists are reused — the sampled types below confirm it), so its objects are its
        // bytes over the smaller of those two sizes. A strict bound (every other byte in 24-byte objects) is
        // printed as well.
        var proposed = Math.Max(cluster.Proposed, 1);
        var proposalPathObjects = (double)cluster.ProposeBytes / entryBytes;
        var replicationObjectBytes = Math.Min(messageBytes, readyBytes);
        var allocsPerProposal = (proposalPathObjects + ((double)cluster.OtherBytes / replicationObjectBytes)) / proposed;
        var allocsStrictBound = (proposalPathObjects + ((double)cluster.OtherBytes / MinObjectBytes)) / proposed;
        var perSecond = committed / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"raft: 3 nodes in memory, {PayloadBytes}-byte proposals, {batch} per cycle, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"committed={committed} proposed={cluster.Proposed} bytes_allocated={bytes} bytes_per_proposal={(double)bytes / proposed:F2} gen0_collections={gen0}");
        Console.WriteLine($"proposal_path_bytes_per_proposal={(double)cluster.ProposeBytes / proposed:F2} (Entry object = {entryBytes} bytes) other_bytes_per_proposal={(double)cluster.OtherBytes / proposed:F3}");

        // On a shared machine wall-clock throughput understates the code; CPU time (all threads, GC included) does not.
        Console.WriteLine($"cpu_s={cpu.TotalSeconds:F2} proposals_per_cpu_s={committed / Math.Max(cpu.TotalSeconds, 1e-9):F0}");
        Console.WriteLine($"object sizes measured: Entry={entryBytes} B Message={messageBytes} B Ready={readyBytes} B");
        Console.WriteLine(
            $"allocs_per_proposal = (proposal-path bytes / {entryBytes} + other bytes / {replicationObjectBytes}) / proposals, bytes exact "
            + "(GC.GetAllocatedBytesForCurrentThread); strict upper bound with 24-byte objects: "
            + $"allocs_per_proposal_max={allocsStrictBound:F3}");

        // Cross-check in a separate, shorter run: the sampler's own callbacks allocate on this thread.
        using (var sampler = new AllocationSampler())
        {
            cluster.ResetCounters();
            var sampledBefore = GC.GetAllocatedBytesForCurrentThread();
            cluster.Drive(TimeSpan.FromSeconds(Math.Min(2.0, seconds / 2)), batch);
            var sampledBytes = GC.GetAllocatedBytesForCurrentThread() - sampledBefore;
            if (sampler.ObjectsPerByte is { } perByte)
            {
                Console.WriteLine($"cross-check (GC AllocationTick samples, an estimate, separate run): {(double)sampledBytes / Math.Max(cluster.Proposed, 1) * perByte:F3} objects per proposal");
            }

            foreach (var (type, share) in sampler.TopTypes(8))
            {
                Console.WriteLine($"  sampled allocation share {share,6:P1}  {type}");
            }
        }

        Console.WriteLine($"raft_proposals_per_s={perSecond:F0} allocs_per_proposal={allocsPerProposal:F2}");
        return 0;
    }

    /// <summary>Bytes of one <see cref="Entry"/> object as this runtime lays it out, measured rather than assumed.</summary>
    private static long MeasureEntryBytes()
    {
        const int count = 1000;
        var keep = new Entry[count];
        var data = new byte[PayloadBytes];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            keep[i] = new Entry(1, (ulong)i, EntryType.Normal, data);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(keep);
        return bytes / count;
    }

    /// <summary>Three nodes wired directly: every message is stepped into its target in the same thread.</summary>
    private sealed class BenchCluster
    {
        private readonly RaftNode[] nodes = new RaftNode[3];
        private readonly MemoryRaftLogStorage[] storages = new MemoryRaftLogStorage[3];
        private readonly ulong[] applied = new ulong[3];
        private readonly ulong[] compactedTo = new ulong[3];
        private readonly ReadOnlyMemory<byte> payload = new byte[PayloadBytes];

        public BenchCluster()
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                storages[i] = MemoryRaftLogStorage.WithVoters(1, 2, 3);
                nodes[i] = new RaftNode(
                    new RaftConfig
                    {
                        Id = (ulong)(i + 1),
                        Random = new SeededRandomSource(i + 1),
                        MaxEntriesPerAppend = 8192,
                        MaxBytesPerAppend = 8L * 1024 * 1024,
                        MaxUncommittedEntriesBytes = 256L * 1024 * 1024,
                        MaxCommittedBytesPerReady = 64L * 1024 * 1024,
                    },
                    storages[i]);
            }
        }

        private RaftNode Leader => nodes[0];

        public void ElectFirstNode()
        {
            Leader.Campaign();
            for (var round = 0; round < 100 && Leader.Role != RaftRole.Leader; round++)
            {
                Pump();
            }

            if (Leader.Role != RaftRole.Leader)
            {
                throw new InvalidOperationException("Node 1 did not become leader.");
            }

            Pump();
        }

        /// <summary>Proposes <paramref name="batch"/> entries per cycle and pumps Readies; returns entries the leader applied.</summary>
        public long Drive(TimeSpan duration, int batch)
        {
            var start = applied[0];
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < duration)
            {
                // Exact byte counts (this thread runs everything) for the proposal path and for the rest.
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < batch; i++)
                {
                    if (!Leader.TryPropose(payload, out _))
                    {
                        break;
                    }

                    Proposed++;
                }

                var proposed = GC.GetAllocatedBytesForCurrentThread();
                ProposeBytes += proposed - before;
                Pump();
                Compact();
                OtherBytes += GC.GetAllocatedBytesForCurrentThread() - proposed;
            }

            return (long)(applied[0] - start);
        }

        /// <summary>
        /// Sizes of a <see cref="Message"/> and of a <see cref="Ready"/> on this runtime: one proposal and its Ready on
        /// the warmed-up leader allocate its Entry (in Propose) and, in GetReady, the Ready and one append per follower.
        /// </summary>
        public (long MessageBytes, long ReadyBytes) MeasureReplicationObjectBytes()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var probe = new Message { Type = MessageType.App, To = 2, From = 1 };
            var messageBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            GC.KeepAlive(probe);

            Leader.Propose(payload);
            before = GC.GetAllocatedBytesForCurrentThread();
            var ready = Leader.GetReady();
            var readyAndAppendsBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            var appends = ready.MessagesBeforePersist.Count;
            HandleReady(0, ready);
            Pump();
            return (messageBytes, readyAndAppendsBytes - (appends * messageBytes));
        }

        /// <summary>Proposals accepted since the last <see cref="ResetCounters"/>.</summary>
        public long Proposed { get; private set; }

        /// <summary>Bytes allocated inside <see cref="RaftNode.TryPropose"/> calls.</summary>
        public long ProposeBytes { get; private set; }

        /// <summary>Bytes allocated while replicating, persisting, applying and compacting.</summary>
        public long OtherBytes { get; private set; }

        public void ResetCounters()
        {
            Proposed = 0;
            ProposeBytes = 0;
            OtherBytes = 0;
        }

        private void Pump()
        {
            for (var round = 0; round < PumpRoundsMax; round++)
            {
                var worked = false;
                for (var i = 0; i < nodes.Length; i++)
                {
                    if (nodes[i].HasReady())
                    {
                        HandleReady(i, nodes[i].GetReady());
                        worked = true;
                    }
                }

                if (!worked)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// The Ready contract with a zero-latency network: early messages (the leader's appends) go out first, then
        /// the write, then the rest. Messages are stepped into their targets at once, so their entry windows are
        /// read before this Ready is advanced, as the contract requires, and nothing is copied.
        /// </summary>
        private void HandleReady(int i, Ready ready)
        {
            Deliver(ready.MessagesBeforePersist);
            var storage = storages[i];
            if (ready.Snapshot is { } snapshot)
            {
                storage.ApplySnapshot(snapshot);
            }

            if (!ready.Entries.IsEmpty)
            {
                storage.Append(ready.Entries);
            }

            if (ready.HardState is { } hardState)
            {
                storage.SetHardState(hardState);
            }

            Deliver(ready.MessagesAfterPersist);
            var committed = ready.CommittedEntries;
            if (!committed.IsEmpty)
            {
                applied[i] = committed[^1].Index;
            }

            nodes[i].Advance(ready);
        }

        private void Deliver(IReadOnlyList<Message> messages)
        {
            for (var m = 0; m < messages.Count; m++)
            {
                var message = messages[m];
                nodes[(int)message.To - 1].Step(message);
            }
        }

        /// <summary>Keeps memory bounded: snapshot and compact each log once it holds many applied entries.</summary>
        private void Compact()
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                if (applied[i] - compactedTo[i] < CompactEveryEntries)
                {
                    continue;
                }

                var index = applied[i];
                storages[i].CreateSnapshot(index, storages[i].ConfState, ReadOnlyMemory<byte>.Empty);
                storages[i].Compact(index);
                compactedTo[i] = index;
            }
        }
    }

    /// <summary>Samples the runtime's GC AllocationTick events (about one per 100 KB) to attribute bytes to types.</summary>
    private sealed class AllocationSampler : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly Lock sync = new();
        private readonly Dictionary<string, long> bytesByType = [];
        private long total;
        private double estimatedObjects;
        private long sampledBytesWithSize;

        /// <summary>Estimated objects per allocated byte from the samples, or null when the runtime gave no object sizes.</summary>
        public double? ObjectsPerByte
        {
            get
            {
                lock (sync)
                {
                    return sampledBytesWithSize == 0 ? null : estimatedObjects / sampledBytesWithSize;
                }
            }
        }

        public IEnumerable<(string Type, double Share)> TopTypes(int count)
        {
            lock (sync)
            {
                var ordered = new List<KeyValuePair<string, long>>(bytesByType);
                ordered.Sort(static (a, b) => b.Value.CompareTo(a.Value));
                var result = new List<(string, double)>();
                for (var i = 0; i < Math.Min(count, ordered.Count); i++)
                {
                    result.Add((ordered[i].Key, total == 0 ? 0 : (double)ordered[i].Value / total));
                }

                return result;
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
            {
                return;
            }

            var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
            var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
            if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
            {
                return;
            }

            var type = eventData.Payload[typeIndex] as string ?? "?";
            var amount = Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
            var sizeIndex = eventData.PayloadNames.IndexOf("ObjectSize");
            var objectSize = sizeIndex >= 0 ? Convert.ToInt64(eventData.Payload[sizeIndex], System.Globalization.CultureInfo.InvariantCulture) : 0;
            lock (sync)
            {
                bytesByType[type] = bytesByType.GetValueOrDefault(type) + amount;
                total += amount;
                if (objectSize > 0)
                {
                    // Each sample stands for ~100 KB allocated; dividing by the sampled object's size estimates
                    // how many objects those bytes were (samples fall on types in proportion to their bytes).
                    estimatedObjects += (double)amount / objectSize;
                    sampledBytesWithSize += amount;
                }
            }
        }
    }
}
