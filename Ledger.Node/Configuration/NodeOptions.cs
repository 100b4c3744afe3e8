using Ledger.Node.Batching;
using Ledger.Node.Snapshots;
using Ledger.Registry.Applying;

namespace Ledger.Node.Configuration;

/// <summary>
/// Everything a node is told at start-up. Bound from appsettings.json, <c>LEDGER_</c> environment
/// variables (<c>LEDGER_Node__DataDirectory</c>) and the command line (<c>--Node:DataDirectory=…</c>
/// or the short flags in <see cref="CommandLineFlags"/>). With no settings at all the node runs as a
/// single-node development ledger under <c>./data</c>.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    /// <summary>
    /// Run as a development node (<c>--dev</c>): a generated single-node consortium in the data directory.
    /// Needed whenever anything production-like is configured (a data directory); without a genesis file and
    /// without any such setting the node is a development node anyway. Refused together with a genesis file.
    /// </summary>
    public bool Development { get; set; }

    /// <summary>Console log format: <c>simple</c> (one line per event) or <c>json</c> (one JSON object per line, for log collectors).</summary>
    public string LogFormat { get; set; } = LogFormats.Simple;

    /// <summary>
    /// A leader being stopped first hands leadership to the most caught-up voter and waits for it at most this
    /// long (capped by the election timeout, after which Raft abandons a transfer): clients see a leader change,
    /// not an election timeout of unavailability. 0 turns it off.
    /// </summary>
    public int StopLeadershipTransferMilliseconds { get; set; } = 2_000;

    /// <summary>Longest <see cref="StopLeadershipTransferMilliseconds"/>: the host's whole shutdown budget is a few seconds.</summary>
    public const int StopLeadershipTransferMillisecondsMax = 10_000;

    /// <summary>This node's id as named in the genesis file. Empty in development mode (taken from the generated consortium).</summary>
    public string NodeId { get; set; } = "";

    public string DataDirectory { get; set; } = "data";

    /// <summary>Consortium genesis (JSON). Empty: development mode generates one under the data directory.</summary>
    public string GenesisFile { get; set; } = "";

    /// <summary>This node's signing key file (JSON key file from <c>ledger keygen</c>).</summary>
    public string NodeKeyFile { get; set; } = "";

    /// <summary>Public gRPC endpoint (plaintext HTTP/2 on loopback by default).</summary>
    public string PublicUrl { get; set; } = "http://localhost:7050";

    /// <summary>Peer gRPC endpoint; HTTPS with mutual TLS when certificates are configured.</summary>
    public string PeerUrl { get; set; } = "http://localhost:7051";

    /// <summary>
    /// Prometheus scrape endpoint (<c>GET /metrics</c>, plaintext HTTP/1.1), e.g. <c>http://127.0.0.1:9464</c>.
    /// Empty: no metrics listener. Bind it to loopback or a monitoring network only: it is unauthenticated.
    /// </summary>
    public string MetricsUrl { get; set; } = "";

    /// <summary>
    /// Web listener (the explorer, the in-browser verifier and the HTTP/JSON read API under <c>/v1</c>;
    /// HTTP/1.1 and HTTP/2), e.g. <c>http://127.0.0.1:7080</c>. Empty: on at
    /// <see cref="Web.WebListenerUrl.DevelopmentDefault"/> in development mode, off otherwise; <c>off</c>: off.
    /// </summary>
    public string WebUrl { get; set; } = "";

    /// <summary>Peers as <c>nodeId=url</c> pairs; overrides the addresses in the genesis file.</summary>
    public List<string> Peers { get; set; } = [];

    public TlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Development only: lets a consortium of more than one node run its peer traffic over plaintext
    /// <c>http://</c>, without mutual TLS, so that nothing authenticates a peer (the benchmark scripts run
    /// this way, like etcd's). Off by default: such a node refuses to start. When on, every start logs a warning.
    /// </summary>
    public bool InsecurePlaintextPeers { get; set; }

    /// <summary>Listener, HTTP/2 and public-stream bounds.</summary>
    public ApiLimitsOptions Api { get; set; } = new();

    /// <summary>fsync every Raft write (group commit: one synced write per Ready). Never turn off in production.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Room for a transaction's envelope, signature and framing around its body: the envelope's other
    /// fields are a chain id, nonce, type, key id (at most 64 bytes) and suite name.
    /// </summary>
    public const int EnvelopeBytesMax = 64 * 1024;

    /// <summary>
    /// Room around a peer message's Raft entries: the message's own fields and each entry's term, index
    /// and length prefix (Raft sends at most 4,096 entries per append, ~30 bytes of framing each).
    /// </summary>
    public const int PeerFramingBytesMax = 1024 * 1024;

    /// <summary>
    /// Largest accepted signed transaction, bytes. The default admits the largest BatchRegister the
    /// registry accepts: a body of at most 64 KiB in its envelope, and 100,000 detached items with
    /// 64-byte item ids (within the 12 MiB <see cref="RegistryLimits.BatchItemsBytesMax"/>).
    /// </summary>
    public int TransactionBytesMax { get; set; } = RegistryLimits.BatchItemsBytesMax + RegistryLimits.TransactionBodyBytesMax + EnvelopeBytesMax;

    /// <summary>
    /// Largest message a peer may send this node: a Raft append carries up to a whole batch of
    /// transactions (<see cref="BatcherOptions.BatchBytesMax"/>) and so does a follower's forward to the
    /// leader. Derived, not configured, so no setting can make a leader build appends its followers refuse
    /// (which would stall replication for good).
    /// </summary>
    public int PeerMessageBytesMax => Batching.BatchBytesMax + PeerFramingBytesMax;

    /// <summary>
    /// Room around a transaction in a public request: the SubmitRequest's correlation id and the
    /// protobuf framing of its fields.
    /// </summary>
    public const int SubmitRequestFramingBytesMax = 64 * 1024;

    /// <summary>Largest message the public gRPC services accept: one transaction and its request framing.</summary>
    public int PublicMessageBytesMax => TransactionBytesMax + SubmitRequestFramingBytesMax;

    /// <summary>gRPC's length-prefixed message framing on the wire: a compression flag and a 4-byte length.</summary>
    public const int GrpcMessagePrefixBytes = 5;

    /// <summary>
    /// Largest request body Kestrel reads for a unary call, on either listener: one message of the larger
    /// service plus its gRPC prefix. Derived, so no setting makes Kestrel refuse a message gRPC would accept.
    /// (Streaming calls carry many messages; gRPC lifts this bound for them and bounds each message instead.)
    /// </summary>
    public long RequestBodyBytesMax => (long)Math.Max(PublicMessageBytesMax, PeerMessageBytesMax) + GrpcMessagePrefixBytes;

    /// <summary>What the peer channels send and receive at most (<c>PeerNetwork</c>'s client bound).</summary>
    public const int PeerChannelMessageBytesMax = 64 * 1024 * 1024;

    /// <summary>Bytes of entries one Raft append carries at most (at least one entry whatever its size).</summary>
    public long RaftAppendBytesMax => Batching.BatchBytesMax + (64L * 1024);

    public BatcherOptions Batching { get; set; } = new();

    /// <summary>Milliseconds per Raft tick.</summary>
    public int TickMilliseconds { get; set; } = 50;

    public int ElectionTicks { get; set; } = 20;

    public int HeartbeatTicks { get; set; } = 2;

    /// <summary>Frames queued per peer before new ones are dropped (Raft retransmits).</summary>
    public int PeerQueueCapacity { get; set; } = 8_192;

    /// <summary>Submissions waiting for their receipt at once; beyond it, ResourceExhausted.</summary>
    public int PendingReceiptsMax { get; set; } = 200_000;

    /// <summary>Unary Submit waits at most this long when the caller set no deadline.</summary>
    public int SubmitTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>Blocks per GetBlocks call at most (told to clients in <c>StatusResponse.blocks_per_call_max</c>).</summary>
    public int BlocksPerRangeMax { get; set; } = Ledger.Core.Protocol.BlockReadLimits.BlocksPerCallDefault;

    /// <summary>Raft log compaction.</summary>
    public LogCompactionOptions Raft { get; set; } = new();

    /// <summary>State snapshot transfer to followers that fell behind the compacted log.</summary>
    public SnapshotTransferOptions Snapshots { get; set; } = new();

    /// <summary>RocksDB memory and file bounds (<c>Node:Storage:*</c>).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>The managed heap's limit (<c>Node:Memory:*</c>); with <see cref="Storage"/>'s caches, the node's memory budget.</summary>
    public MemoryOptions Memory { get; set; } = new();

    /// <summary>The background integrity scan of blocks and table files (<c>Node:IntegrityScan:*</c>).</summary>
    public Integrity.IntegrityScanOptions IntegrityScan { get; set; } = new();

    /// <summary>The free-space reserve of the data directory (<c>Node:DiskSpace:*</c>).</summary>
    public DiskSpace.DiskSpaceOptions DiskSpace { get; set; } = new();

    /// <summary>What readiness demands (<c>Node:Health:*</c>).</summary>
    public Health.HealthOptions Health { get; set; } = new();

    /// <summary>Node:Tracing: the OTLP export of the node's spans (bound and validated on its own by TracingRegistration; here so its keys are known to the unknown-key check).</summary>
    public Tracing.TracingOptions Tracing { get; set; } = new();

    /// <summary>TEST/CHAOS ONLY: this node's wall clock is set off by this much (see <see cref="TestFaults.SkewedTimeProvider"/>). 0 in production.</summary>
    public long ClockOffsetMilliseconds { get; set; }

    /// <summary>TEST/CHAOS ONLY: this node's clock runs this many parts per million fast (negative: slow). 0 in production.</summary>
    public int ClockDriftPpm { get; set; }

    /// <summary>TEST ONLY: planted bugs, a comma list (see <see cref="TestFaults.TestBugs"/>); refused unless LEDGER_ENABLE_TEST_BUGS=1.</summary>
    public string TestBugs { get; set; } = "";

    public void Validate()
    {
        if (TickMilliseconds is < 1 or > 10_000)
        {
            throw new InvalidOperationException($"Node:TickMilliseconds must be within 1..10000, was {TickMilliseconds}");
        }

        if (ElectionTicks <= HeartbeatTicks)
        {
            throw new InvalidOperationException($"Node:ElectionTicks ({ElectionTicks}) must be greater than Node:HeartbeatTicks ({HeartbeatTicks})");
        }

        if (TransactionBytesMax is < 256 or > 64 * 1024 * 1024)
        {
            throw new InvalidOperationException($"Node:TransactionBytesMax must be within 256..64MiB, was {TransactionBytesMax}");
        }

        if (PeerMessageBytesMax > PeerChannelMessageBytesMax)
        {
            throw new InvalidOperationException(
                $"Node:Batching:BatchBytesMax must be at most {PeerChannelMessageBytesMax - PeerFramingBytesMax} (a peer message carries a whole batch), was {Batching.BatchBytesMax}");
        }

        if (PeerQueueCapacity < 16)
        {
            throw new InvalidOperationException($"Node:PeerQueueCapacity must be at least 16, was {PeerQueueCapacity}");
        }

        if (PendingReceiptsMax < Batching.TransactionsPerBatchMax)
        {
            throw new InvalidOperationException(
                $"Node:PendingReceiptsMax ({PendingReceiptsMax}) must be at least Batching:TransactionsPerBatchMax ({Batching.TransactionsPerBatchMax})");
        }

        if (MetricsUrl.Length > 0 && (!Uri.TryCreate(MetricsUrl, UriKind.Absolute, out var metrics) || metrics.Scheme != Uri.UriSchemeHttp || metrics.AbsolutePath != "/"))
        {
            throw new InvalidOperationException($"Node:MetricsUrl must be a plain http://host:port URL, was '{MetricsUrl}'");
        }

        if (BlocksPerRangeMax < 1)
        {
            throw new InvalidOperationException($"Node:BlocksPerRangeMax must be at least 1, was {BlocksPerRangeMax}");
        }

        if (MetricsUrl.Length > 0 && SharesPort(MetricsUrl, PublicUrl, PeerUrl))
        {
            throw new InvalidOperationException($"Node:MetricsUrl ({MetricsUrl}) must use a port of its own: metrics are served by the listener's port, not by Host header");
        }

        if (LogFormat is not (LogFormats.Simple or LogFormats.Json))
        {
            throw new InvalidOperationException($"Node:LogFormat (--log-format) must be '{LogFormats.Simple}' or '{LogFormats.Json}', was '{LogFormat}'");
        }

        if (StopLeadershipTransferMilliseconds is < 0 or > StopLeadershipTransferMillisecondsMax)
        {
            throw new InvalidOperationException($"Node:StopLeadershipTransferMilliseconds must be within 0..{StopLeadershipTransferMillisecondsMax}, was {StopLeadershipTransferMilliseconds}");
        }

        Tls.Validate();
        Web.WebListenerUrl.Validate(WebUrl, PublicUrl, PeerUrl, MetricsUrl);
        TestFaults.SkewedTimeProvider.Validate(ClockOffsetMilliseconds, ClockDriftPpm);
        Api.Validate();
        Batching.Validate(TransactionBytesMax);
        Raft.Validate(RaftAppendBytesMax);
        IntegrityScan.Validate();
        Storage.Validate();
        Memory.Validate(Batching.BatchBytesMax);
        DiskSpace.Validate(Storage.WriteBufferBytes);
        Health.Validate();

        // The peer service accepts messages up to PeerMessageBytesMax; a chunk plus its framing must fit.
        Snapshots.Validate(PeerMessageBytesMax - (32 * 1024));
    }

    private static bool SharesPort(string metricsUrl, params string[] others)
    {
        var port = new Uri(metricsUrl).Port;
        foreach (var other in others)
        {
            if (Uri.TryCreate(other, UriKind.Absolute, out var uri) && uri.Port == port)
            {
                return true;
            }
        }

        return false;
    }
}
