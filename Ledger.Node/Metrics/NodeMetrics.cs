using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// What an operator watches on one node, in Prometheus form (served on <c>Node:MetricsUrl</c>): where a
/// submission's time goes — the door (signature check), the batcher queue, persistence, the apply
/// queue, block production — and the node's position in the chain. Each node has its own registry, so
/// several nodes in one process (tests) do not mix their figures. Observations are a few atomic
/// increments: cheap enough for every transaction.
/// </summary>
public sealed class NodeMetrics
{
    // 50 µs .. ~13 s in doublings: covers a signature check and a stalled cluster alike.
    private static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.00005, 2, 19);

    // 1 .. 65,536 transactions per block.
    private static readonly double[] CountBuckets = Histogram.ExponentialBuckets(1, 2, 17);

    public NodeMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // No exemplars: the default provider looks up the current trace on every observation, and the
        // node does not trace submissions.
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        Admission = Seconds(factory, "ledger_admission_seconds", "Door check of one submission: decoding, signer lookup, signature verification, nonce");
        QueueWait = Seconds(factory, "ledger_batch_queue_wait_seconds", "Time a submission waited in the leader's batcher queue before its batch was proposed");
        Submit = Seconds(factory, "ledger_submit_seconds", "Submissions admitted by this node until their receipt (or refusal) was ready");
        RaftPersist = Seconds(factory, "ledger_raft_persist_seconds", "One Raft Ready written to the log (fsynced when required)");
        ApplyQueueWait = Seconds(factory, "ledger_apply_queue_wait_seconds", "Time a committed entry waited for the apply thread");
        BlockApply = Seconds(factory, "ledger_block_apply_seconds", "Building and writing one block from a committed entry");
        BatchTransactions = factory.CreateHistogram("ledger_batch_transactions", "Transactions per batch this leader proposed", new HistogramConfiguration { Buckets = CountBuckets });
        Refused = factory.CreateCounter("ledger_submissions_refused_total", "Submissions refused, by gRPC status", new CounterConfiguration { LabelNames = ["code"] });
        SignatureChecks = factory.CreateCounter("ledger_signature_checks_total", "Transaction signatures this node verified, by where: door (admission), preverify (while persisting), apply (inline in the rules)", new CounterConfiguration { LabelNames = ["where"] });
        UnreadableEntries = factory.CreateCounter("ledger_committed_entries_unreadable_total", "Committed entries that were not a batch this chain can build a block from (recorded as progress only)");
        BlockTimeRefusals = factory.CreateCounter("ledger_block_time_refusals_total", "Block times this node would not vouch for: where=append, the leader's entries it did not acknowledge (stamped too far ahead, or naming another proposer); where=attestation, applied blocks it did not attest (outside the genesis clock bound)", new CounterConfiguration { LabelNames = ["where"] });
        Height = factory.CreateGauge("ledger_height", "Height of this node's latest applied block");
        AppliedIndex = factory.CreateGauge("ledger_raft_applied_index", "Raft index this node's state machine has applied");
        Term = factory.CreateGauge("ledger_raft_term", "This node's current Raft term");
        IsLeader = factory.CreateGauge("ledger_raft_is_leader", "1 while this node leads, else 0");
        PeerFramesRefused = factory.CreateCounter("ledger_peer_frames_refused_total", "Raft messages from peers dropped at the peer boundary, by reason", new CounterConfiguration { LabelNames = ["reason"] });
        ReadSeconds = factory.CreateHistogram("ledger_read_seconds", "Public read calls (queries and proofs), by method: time inside the handler, from its first line to its answer (not the time the call waited for a thread, nor encoding and sending the answer)", new HistogramConfiguration { Buckets = SecondsBuckets, LabelNames = ["method"] });
        ReadCpuSeconds = factory.CreateCounter("ledger_read_cpu_seconds_total", "Public read calls, by method: CPU time of the thread that ran the handler until it answered or first waited (all of it for a local read)", new CounterConfiguration { LabelNames = ["method"] });
        SnapshotsRefused = factory.CreateCounter("ledger_snapshots_refused_total", "Snapshot transfers from peers refused, by reason", new CounterConfiguration { LabelNames = ["reason"] });
    }

    public CollectorRegistry Registry { get; }

    public Histogram Admission { get; }

    public Histogram QueueWait { get; }

    public Histogram Submit { get; }

    public Histogram RaftPersist { get; }

    public Histogram ApplyQueueWait { get; }

    public Histogram BlockApply { get; }

    public Histogram BatchTransactions { get; }

    public Counter Refused { get; }

    /// <summary>Labels: <c>where</c> = door | preverify | apply.</summary>
    public Counter SignatureChecks { get; }

    public Counter UnreadableEntries { get; }

    /// <summary>Block times not vouched for, by where the check ran (see docs/threat-model.md, "Time").</summary>
    public Counter BlockTimeRefusals { get; }

    public Gauge Height { get; }

    public Gauge AppliedIndex { get; }

    public Gauge Term { get; }

    public Gauge IsLeader { get; }

    /// <summary>Raft messages from peers dropped before they reached Raft; label <c>reason</c> is a <see cref="Peers.PeerFrameRefusals.Label"/>.</summary>
    public Counter PeerFramesRefused { get; }

    /// <summary>Label <c>method</c>: the gRPC method's name (<c>GetInclusionProof</c>, <c>GetWork</c>, ...); see <see cref="ReadTimingInterceptor"/>.</summary>
    public Histogram ReadSeconds { get; }

    /// <summary>Label <c>method</c>, as <see cref="ReadSeconds"/>; per call = this / the histogram's count.</summary>
    public Counter ReadCpuSeconds { get; }

    /// <summary>Snapshot transfers refused (sender not the leader, header not certified, state not reproducing the header's root).</summary>
    public Counter SnapshotsRefused { get; }

    /// <summary>Refreshes the gauges from <paramref name="read"/> just before each scrape (no work between scrapes).</summary>
    public void RefreshBeforeScrape(Action<NodeMetrics> read) => Registry.AddBeforeCollectCallback(() => read(this));

    private static Histogram Seconds(IMetricFactory factory, string name, string help) =>
        factory.CreateHistogram(name, help, new HistogramConfiguration { Buckets = SecondsBuckets });
}
