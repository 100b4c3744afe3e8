using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Attestation;
using Ledger.Node.Batching;
using Ledger.Node.Chain;
using Ledger.Node.Checkpoints;
using Ledger.Node.Configuration;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;
using Ledger.Node.Health;
using Ledger.Node.Governance;
using Ledger.Node.Integrity;
using Ledger.Node.Applying;
using Ledger.Node.Verification;
using Ledger.Node.Metrics;
using Ledger.Node.Peers;
using Ledger.Node.Recovery;
using Ledger.Node.Snapshots;
using Ledger.Node.Submission;
using Ledger.Node.TestFaults;
using Ledger.Node.Tracing;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
using Ledger.Storage.Checkpoints;
using Ledger.Storage.Raft;
using Ledger.Storage.Registry;
using Ledger.Storage.Snapshots;
using Microsoft.Extensions.Logging;

namespace Ledger.Node;

/// <summary>
/// One ledger node: storage, Raft and its drive loop, block production, the door, the batcher,
/// attestations and peer traffic, wired together. The gRPC services are thin adapters over this.
/// </summary>
public sealed partial class LedgerNode : IAsyncDisposable
{
    private readonly ILogger logger;
    private readonly LedgerDatabase database;
    private readonly RocksDbRaftLogStorage raftLog;
    private readonly RaftDriver driver;
    private readonly TransactionBatcher batcher;
    private readonly PeerNetwork peers;
    private readonly MembershipReconciler reconciler;
    private readonly RecoveryProgress recovery;

    // TEST ONLY (planted bug skip-raft-fsync): writes the held Raft writes out on a timer; null in every real node.
    private readonly RaftWriteFlusher? raftWriteFlusher;

    /// <summary>How often (in Raft ticks) the leader re-checks membership without a trigger: learner catch-up, retries.</summary>
    private const int MembershipReconcileTicks = 5;
    private readonly SnapshotSender snapshotSender;

    // The write path, in the order a submission flows through it (see the constructor's tail).
    private readonly ServingGuard serving;
    private readonly LeaderRedirect redirect;
    private readonly SubmissionPath submission;
    private readonly BatchProposer proposer;
    private readonly Forwarder forwarder;
    private readonly Receipts receipts;

    /// <param name="start">Normal, or recovering after local damage (<see cref="DamagedStart"/>); null = normal.</param>
    /// <param name="testBugs">TEST ONLY: planted bugs for the chaos harness; null = none.</param>
    /// <param name="startup">Where the start's phases are timed (the host passes one counting from the process start); null = a new one.</param>
    /// <param name="freeSpace">How free space of the data directory is read; null = the real file system.</param>
    public LedgerNode(NodeOptions options, ChainContext chain, string nodeId, KeyPair nodeKey, IReadOnlyDictionary<string, string> peerUrls, PeerTls? tls, TimeProvider timeProvider, ILoggerFactory loggerFactory, NodeStart? start = null, TestBugs? testBugs = null, StartupPhases? startup = null, IFreeSpaceProbe? freeSpace = null)
    {
        Startup = startup ?? new StartupPhases(sinceProcessStart: false);
        Startup.Mark("configuration");
        start ??= NodeStart.Normal;
        StartNote = start.Note;
        TestBugs = testBugs ?? TestBugs.None;
        Chain = chain;
        NodeId = nodeId;
        logger = loggerFactory.CreateLogger<LedgerNode>();
        RaftId = Core.Consortium.RaftNodeIds.Of(nodeId);
        Metrics = new NodeMetrics();
        try
        {
            database = LedgerDatabase.Open(options.Storage.Apply(new LedgerDatabaseOptions
            {
                DataDirectory = DatabaseDirectory(options),
                // Clock-based floor: a replaced directory (restored copy, damaged one moved aside) must still give a new incarnation.
                IncarnationFloor = (ulong)Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
                ChainId = chain.ChainId,
                GenesisHash = chain.GenesisSha256,
                SyncWrites = false,
                VerifyAtOpenBytesMax = (ulong)options.IntegrityScan.VerifyAtOpenBytesMax,
            }));
        }
        catch (Storage.Errors.FormatMigrationRequiredException e)
        {
            throw e.WithCommand(Admin.NodeCommands.MigrateCommand(options.DataDirectory, options.GenesisFile));
        }

        Startup.Mark(database.ChecksumsVerifiedAtOpen ? "database-open+checksums" : "database-open");
        try
        {
            DiskSpace = new DiskSpaceGuard(options.DiskSpace, database.DataDirectory, freeSpace ?? new FileSystemFreeSpace(), timeProvider, Metrics.Registry, loggerFactory.CreateLogger<DiskSpaceGuard>());
            StorageWrites = new StorageWritePause(Metrics.Registry, loggerFactory.CreateLogger<StorageWritePause>(), DiskSpace.Refresh);
            // Before any store reads the state: finish a snapshot install a crash interrupted.
            var snapshotStaging = new SnapshotStaging(StagingDirectory(options));
            StateSnapshotInstaller.CompleteInterrupted(database, snapshotStaging);
            RegistryState = new RocksDbRegistryState(database);
            if (!RegistryState.TryGet(StateKeys.AppliedHeight(), out _))
            {
                RegistryGenesis.Initialize(RegistryState, chain.Genesis, chain.RegistryOptions);
            }

            // Before any block is applied: the index follows applied blocks (or rebuilds itself) on its own thread.
            RegistryState.StartSimilarityIndex(chain.RegistryOptions.Similarity.Layout);
            Startup.Mark("registry-state");

            if (TestBugs.IsOn(TestBug.ApplyTwiceAfterRestart))
            {
                AppliedIndexRewind.RewindOne(database);
            }

            Blocks = new BlockStore(database, BlockHashing.Canonical(chain.Hash));
            Attestations = new AttestationStore(database);
            PendingReceipts = new PendingReceipts(options.PendingReceiptsMax);
            Notifier = new BlockNotifier();
            var verdicts = new SignatureVerdicts();
            Startup.Mark("chain-tip");
            Gate = new SubmissionGate(chain, RegistryState, options.TransactionBytesMax, () => Blocks.LatestHeight, verdicts, Metrics.SignatureChecks.WithLabels("door"));

            var voters = new List<ulong>();
            foreach (var node in chain.FoundingNodes)
            {
                voters.Add(node.RaftId);
            }

            // Founders and joiners alike start from the same recorded founding membership at index 1, so a
            // node added later receives the log from index 2 by ordinary appends; until a conf change makes
            // it a voter it is not promotable and never campaigns.
            var founders = new ConfState([.. voters], []);
            AppliedDamageRepair.Run(database, Blocks, chain.ChainId, logger);
            raftLog = new RocksDbRaftLogStorage(database, founders);
            if (raftLog.LastIndex() == 0 && raftLog.InitialState().HardState.IsEmpty)
            {
                raftLog.Persist(RaftBootstrap.FoundingSnapshot(founders), [], RaftBootstrap.FoundingHardState, sync: true);
            }

            Startup.Mark("raft-log");
            if (TestBugs.IsOn(TestBug.SkipRaftFsync))
            {
                raftWriteFlusher = RaftWriteFlusher.Install(raftLog, database, timeProvider);
            }

            Directory = new NodeDirectory(nodeId, nodeKey.KeyId, RegistryState, raftLog.ConfState, Blocks.AppliedRaftIndex);
            if (Directory.IsJoining)
            {
                LogJoining(logger, nodeId);
            }

            Startup.Mark("node-directory");

            peers = new PeerNetwork(nodeId, new PeerResolution(RaftId, Directory, peerUrls).ResolvePeer, options.PeerQueueCapacity, tls, timeProvider, loggerFactory);
            Collector = new AttestationCollector(chain, Directory, nodeId, nodeKey, Blocks, Attestations, attestation => peers.Broadcast(attestation, Directory.BroadcastTargets), loggerFactory.CreateLogger<AttestationCollector>(), StorageWrites.Run);
            var witnesses = new WitnessDirectory(new Registry.Queries.RegistryQueries(RegistryState, chain.RegistryOptions), () => Blocks.LatestHeight);
            var cosignatures = new CosignatureStore(database);
            Checkpoints = new CheckpointPublisher(chain, Collector, Directory, Blocks, cosignatures, witnesses, loggerFactory.CreateLogger<CheckpointPublisher>());
            Cosignatures = new CosignatureIntake(Checkpoints.Origin, Collector, Blocks, cosignatures, witnesses, new CheckpointMetrics(Metrics.Registry), loggerFactory.CreateLogger<CosignatureIntake>());
            AttestationWorker = new AttestationWorker(Collector, loggerFactory.CreateLogger<AttestationWorker>(),
                new BlockTimeWitness(timeProvider, chain.Genesis.EffectiveBlockTimeSkewMilliseconds, Metrics.BlockTimeRefusals.WithLabels("attestation"), logger));
            CatchUp = new AttestationCatchUp(Collector, Attestations, () => Blocks.LatestHeight, new PeerAttestationSource(Directory, peers, timeProvider), nodeId,
                chain.Hash.HashSizeBytes, new AttestationCatchUpMetrics(Metrics.Registry), timeProvider, loggerFactory.CreateLogger<AttestationCatchUp>());
            Startup.Mark("attestations+checkpoints");
            EntryTimeCheck = new EntryTimeCheck(timeProvider, chain.Genesis.EffectiveBlockTimeSkewMilliseconds, Metrics.BlockTimeRefusals.WithLabels("append"), logger);

            var raftNode = new RaftNode(
                new RaftConfig
                {
                    Id = RaftId,
                    ElectionTicks = options.ElectionTicks,
                    HeartbeatTicks = options.HeartbeatTicks,
                    Applied = Blocks.AppliedRaftIndex,
                    MaxBytesPerAppend = options.RaftAppendBytesMax,
                    MaxUncommittedEntriesBytes = Math.Max(256L * 1024 * 1024, 4L * options.RaftAppendBytesMax),
                    Random = new SeededRandomSource(unchecked((int)RaftId ^ Environment.TickCount)),
                    // Peers cannot propose (the leader's peer boundary refuses Prop): submissions travel through Forward and the door.
                    DisableProposalForwarding = true,
                    Incarnation = database.Incarnation,
                    BeginInRecovery = start.Recovery,
                },
                raftLog);
            Startup.Mark("raft-node");
            StateMachine = new LedgerStateMachine(chain, database, Blocks, RegistryState, PendingReceipts, Notifier, AttestationWorker.OnBlockCommitted,
                new StateSnapshotRestorer(chain, database, Blocks, Attestations, RegistryState, snapshotStaging, Notifier), Metrics, verdicts, loggerFactory.CreateLogger<LedgerStateMachine>());
            var membership = new MembershipReactions(Directory, peers, loggerFactory.CreateLogger<MembershipReactions>());
            StateMachine.EffectsApplied += membership.OnRegistryEffects;
            StateMachine.MembershipApplied += membership.OnRaftMembershipApplied;
            snapshotSender = new SnapshotSender(nodeId, database, Path.Combine(options.DataDirectory, "snapshots", "outgoing"), peers.ClientFor,
                (peer, status) => driver!.TryReportSnapshot(peer, status), options.Snapshots, timeProvider, loggerFactory.CreateLogger<SnapshotSender>(),
                height => Collector.GetCertified(height)?.Attestations);
            SnapshotReceiver = new SnapshotReceiver(chain, RaftId, Blocks, snapshotStaging, message => driver!.TryDeliver(message),
                new SnapshotAcceptance(chain, Directory, () => driver!.Status, Metrics, Path.Combine(options.DataDirectory, "snapshots", "verify")), options.Snapshots, timeProvider, loggerFactory.CreateLogger<SnapshotReceiver>(), DiskSpace, database.DataDirectory);
            driver = new RaftDriver(
                raftNode,
                new PausingRaftPersistence(new RaftLogPersistence(raftLog), StorageWrites),
                new SnapshotRoutingTransport(peers, snapshotSender),
                new PausingStateMachine(raftWriteFlusher?.ApplyingOnlyDurable(StateMachine) ?? StateMachine, StorageWrites),
                new RaftDriverOptions { TickInterval = TimeSpan.FromMilliseconds(options.TickMilliseconds), Fsync = options.Fsync, TestBugs = TestBugs },
                timeProvider,
                loggerFactory.CreateLogger<RaftDriver>(),
                new NoSpaceTolerantCompaction(new LogCompactor(raftLog, Blocks, chain.ChainId, options.Raft)),
                Metrics,
                new PeerBoundary(PeerMessageBounds.ForAppendBytes(options.RaftAppendBytesMax), Metrics, timeProvider, loggerFactory.CreateLogger<PeerBoundary>()));
            Metrics.RefreshBeforeScrape(m =>
            {
                var raft = driver.Status;
                m.Height.Set(Blocks.LatestHeight);
                m.AppliedIndex.Set(StateMachine.AppliedIndex);
                m.Term.Set(raft.Term);
                m.IsLeader.Set(raft.Role == RaftRole.Leader ? 1 : 0);
            });
            ManagedMemory = new ManagedMemoryMetrics(Metrics.Registry, () => raftLog.CachedEntries.Bytes, options.Memory.BudgetBytes(options.Storage));
            recovery = new RecoveryProgress(() => driver.Status, () => driver.AppliedIndex, StartNote, logger);
            Damage = new RuntimeDamage(database, logger);
            Damage.Watch(driver);
            _ = new RocksDbMetrics(Metrics.Registry, database); // registers its reading before each scrape
            _ = new RuntimeMetrics(Metrics.Registry);
            new ReplicationMetrics(Metrics.Registry, raftId => Directory.Nodes.Find(raftId)?.NodeId).RefreshBeforeScrape(Metrics.Registry, driver, () => Collector.CertifiedHeight);
            IntegrityScan = new IntegrityScanWorker(options.IntegrityScan, database, Blocks, Damage.Report, new IntegrityScanMetrics(Metrics.Registry), timeProvider, loggerFactory.CreateLogger<IntegrityScanWorker>());
            serving = new ServingGuard(driver, AttestationWorker, Collector, Damage);
            redirect = new LeaderRedirect(driver, Directory, chain);
            driver.SoftStateChanged += new LeaderChangeReaction(RaftId, PendingReceipts, redirect, loggerFactory.CreateLogger<LeaderChangeReaction>()).OnSoftStateChanged;
            driver.EntryApplied += PendingReceipts.OnEntryApplied;
            var batchTraces = new BatchTraces(nodeId);
            driver.EntriesCommitted += batchTraces.OnCommitted;
            driver.EntryApplied += batchTraces.OnApplied;

            // Write path: door -> batcher -> leader proposes (or follower forwards) -> apply -> receipt.
            receipts = new Receipts(Blocks);
            var failure = new BatchFailure(PendingReceipts, redirect);
            batcher = new TransactionBatcher(options.Batching, timeProvider, (batch, cancellationToken) => proposer!.EmitBatchAsync(batch, cancellationToken));
            forwarder = new Forwarder(peers, timeProvider, Gate, PendingReceipts, batcher, redirect, failure, DiskSpace, loggerFactory.CreateLogger<Forwarder>());
            var blockClock = new BlockClock(timeProvider, () => Blocks.GetHeader(Blocks.LatestHeight)?.TimestampUnixMs ?? 0, () => driver.Status.Term);
            proposer = new BatchProposer(options.Batching, nodeId, blockClock, timeProvider, Metrics, driver, PendingReceipts, failure, forwarder, batchTraces, DiskSpace);
            submission = new SubmissionPath(options, timeProvider, Metrics, driver, serving, DiskSpace, redirect, Gate, PendingReceipts, batcher, proposer, receipts);
            DiskSpace.Sampled += new LeaderStepAside(DiskSpace, driver, () => raftLog.ConfState, timeProvider, loggerFactory.CreateLogger<LeaderStepAside>()).OnSampled;
            Readiness = new NodeReadiness(options.Health, () => driver.Status, () => driver.AppliedIndex, () => driver.Fault, () => AttestationWorker.Fault,
                () => Damage.Current?.Description, () => Collector.Divergence, () => recovery.Current, DiskSpace, StorageWrites);
            reconciler = new MembershipReconciler(driver, Directory, height => height == 0 ? 0 : Blocks.GetHeader(height)?.RaftIndex, TimeSpan.FromMilliseconds(options.TickMilliseconds * MembershipReconcileTicks), timeProvider, loggerFactory.CreateLogger<MembershipReconciler>());
            Startup.Mark("state-machine+wiring");
        }
        catch
        {
            DiskSpace?.Dispose();
            StorageWrites?.Dispose();
            raftWriteFlusher?.Dispose();
            RegistryState?.Dispose();
            database.Dispose();
            throw;
        }
    }

    /// <summary>Free space of the data directory against <c>Node:DiskSpace:ReserveBytes</c>: below it writes are refused (see <see cref="DiskSpaceGuard"/>).</summary>
    public DiskSpaceGuard DiskSpace { get; }

    /// <summary>Storage writes of the drive loop and the apply thread waiting through a full disk instead of faulting.</summary>
    public StorageWritePause StorageWrites { get; }

    /// <summary>Liveness and readiness (<c>/healthz</c>, <c>/readyz</c>, the gRPC health service).</summary>
    public NodeReadiness Readiness { get; }

    public ChainContext Chain { get; }

    /// <summary>The managed heap and the Raft entries in memory, as gauges on <see cref="Metrics"/>.</summary>
    public ManagedMemoryMetrics ManagedMemory { get; }

    /// <summary>How long each phase of this start took; logged once by <see cref="Start"/> (event 6206).</summary>
    public StartupPhases Startup { get; }

    /// <summary>The RocksDB directory inside the node's data directory.</summary>
    public static string DatabaseDirectory(NodeOptions options) => Path.Combine(options.DataDirectory, "db");

    /// <summary>Where snapshots are staged; it belongs to the database beside it.</summary>
    public static string StagingDirectory(NodeOptions options) => Path.Combine(options.DataDirectory, "snapshots");

    /// <summary>Local damage found while running (the host exits on it); see <see cref="RuntimeDamage"/>.</summary>
    public RuntimeDamage Damage { get; }

    /// <summary>The background integrity scan (<c>Node:IntegrityScan:*</c>); damage it finds goes to <see cref="Damage"/>.</summary>
    public IntegrityScanWorker IntegrityScan { get; }

    /// <summary>Why this start began recovering (empty on a normal start).</summary>
    public string StartNote { get; }

    /// <summary>
    /// Whether the node is recovering and why, for status and readiness; (false, "") otherwise. Recovering lasts
    /// while Raft recovers (no vote, no quorum) and then until the blocks are rebuilt up to the commit index Raft
    /// had when it left recovery (see <see cref="RecoveryProgress"/>).
    /// </summary>
    public (bool Recovering, string Reason) Recovery => recovery.Current;

    /// <summary>TEST ONLY: the planted bugs this node runs with (<see cref="TestBugs.None"/> outside chaos tests).</summary>
    public TestBugs TestBugs { get; }

    /// <summary>This node's Prometheus metrics (served on <c>Node:MetricsUrl</c> when set).</summary>
    public NodeMetrics Metrics { get; }

    /// <summary>The consortium's current nodes (from the registry) and this node's applied Raft membership.</summary>
    public NodeDirectory Directory { get; }

    public string NodeId { get; }

    public ulong RaftId { get; }

    public BlockStore Blocks { get; }

    public RocksDbRegistryState RegistryState { get; }

    public AttestationStore Attestations { get; }

    public AttestationCollector Collector { get; }

    /// <summary>Serves the signed checkpoints of certified headers with their witness cosignatures (GetCheckpoint).</summary>
    public CheckpointPublisher Checkpoints { get; }

    /// <summary>Verifies and keeps registered witnesses' cosignatures of this node's checkpoints (AddCosignature).</summary>
    public CosignatureIntake Cosignatures { get; }

    /// <summary>Where applied blocks and peers' attestations go to be signed, verified and certified, off the apply and peer threads.</summary>
    public AttestationWorker AttestationWorker { get; }

    /// <summary>Pulls from peers the attestations of blocks this node applied without learning their certification (it was down or slow).</summary>
    public AttestationCatchUp CatchUp { get; }

    public PendingReceipts PendingReceipts { get; }

    public BlockNotifier Notifier { get; }

    public SubmissionGate Gate { get; }

    public LedgerStateMachine StateMachine { get; }

    public RaftDriver Driver => driver;

    /// <summary>The follower side of snapshot transfer (the peer service's InstallSnapshot).</summary>
    public SnapshotReceiver SnapshotReceiver { get; }

    /// <summary>The leader side of snapshot transfer.</summary>
    public SnapshotSender SnapshotSender => snapshotSender;

    /// <summary>The Raft log's first retained index (compaction moves it forward).</summary>
    public ulong RaftLogFirstIndex => raftLog.FirstIndex();

    /// <summary>The Raft log's last index on disk: its last index, except with the planted bug skip-raft-fsync (writes held in memory).</summary>
    public ulong RaftLogDurableLastIndex => raftWriteFlusher?.DurableLastIndex ?? raftLog.LastIndex();

    public PeerNetwork Peers => peers;

    /// <summary>The follower's check of the leader's stamps before acknowledging them (see docs/threat-model.md, "Time").</summary>
    public EntryTimeCheck EntryTimeCheck { get; }

    public DriverStatus RaftStatus => driver.Status;

    /// <summary>This start recorded the genesis hash in a data directory that had none (see <see cref="Chain.GenesisBinding"/>).</summary>
    public bool GenesisHashStampedOnExistingDirectory => database.GenesisHashStampedOnExistingDirectory;

    /// <summary>The database directory (under the configured data directory).</summary>
    public string DatabaseDirectoryPath => database.DataDirectory;

    public bool IsLeader => driver.Status.Role == RaftRole.Leader;

    public void Start()
    {
        Startup.Mark("host+listeners");
        recovery.Attach(driver);
        DiskSpace.Start();
        driver.Start();
        reconciler.Start();
        CatchUp.Start();
        IntegrityScan.Start();
        if (Chain.FoundingNodes.Count == 1 && Chain.FindNode(RaftId) is not null)
        {
            // A lone node need not wait out an election timeout to lead.
            driver.TryCampaign();
        }

        Startup.Mark("node-start");
        Startup.Log(logger, Blocks.LatestHeight, Blocks.AppliedRaftIndex);
    }

    /// <summary>
    /// Admits and submits one transaction and waits until it is applied. Throws <see cref="RpcException"/>
    /// with the precise status when it is refused, cannot be replicated, or the deadline passes.
    /// </summary>
    public Task<CommittedTransaction> SubmitAsync(SignedTransaction? transaction, CancellationToken cancellationToken) =>
        submission.SubmitAsync(transaction, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync(SignedTransaction?, CancellationToken)"/>, answering DeadlineExceeded once
    /// <paramref name="timeout"/> (measured on the node's clock) has passed without the transaction being
    /// applied. Cheaper per submission than a linked token source with its own timer.
    /// </summary>
    public Task<CommittedTransaction> SubmitAsync(SignedTransaction? transaction, TimeSpan timeout, CancellationToken cancellationToken) =>
        submission.SubmitAsync(transaction, timeout, cancellationToken);

    /// <summary>Where an applied transaction is, or null.</summary>
    public CommittedTransaction? FindCommitted(byte[] transactionHash) => receipts.FindCommitted(transactionHash);

    /// <summary>Builds the receipt for an applied transaction: its inclusion proof against its block's log root.</summary>
    public Receipt BuildReceipt(CommittedTransaction committed) => receipts.BuildReceipt(committed);

    /// <summary>Transactions forwarded by a follower: admitted here again, then batched; the follower waits for apply itself.</summary>
    public ForwardResponse AcceptForwarded(ForwardRequest request) => forwarder.AcceptForwarded(request);

    public string? LeaderNodeId() => redirect.LeaderNodeId();

    public void ThrowIfNotServing() => serving.ThrowIfNotServing();

    /// <summary>Unavailable with a <c>ledger-leader</c> trailer naming the leader when one is known (clients retry there).</summary>
    public RpcException LeaderUnavailable(string message, ulong leaderRaftId) => redirect.LeaderUnavailable(message, leaderRaftId);

    public async ValueTask DisposeAsync()
    {
        await IntegrityScan.DisposeAsync().ConfigureAwait(false);
        await batcher.DisposeAsync().ConfigureAwait(false);
        await reconciler.DisposeAsync().ConfigureAwait(false);
        await snapshotSender.DisposeAsync().ConfigureAwait(false);
        await CatchUp.DisposeAsync().ConfigureAwait(false);
        // No more samples (and no leadership handover) while stopping; a write waiting for disk space
        // would hold the drive loop or the apply thread forever.
        DiskSpace.Dispose();
        StorageWrites.Stop();
        await driver.DisposeAsync().ConfigureAwait(false);
        StateMachine.Dispose();
        // After the apply thread stopped (nothing more is queued), before the peers and the store go.
        await AttestationWorker.DisposeAsync().ConfigureAwait(false);
        PendingReceipts.FailAll(new RpcException(new Status(StatusCode.Unavailable, "the node is shutting down")));
        await peers.DisposeAsync().ConfigureAwait(false);
        raftWriteFlusher?.Dispose();
        RegistryState.Dispose();
        FlushAtShutdown();
        StorageWrites.Dispose();
        database.Dispose();
    }

    /// <summary>
    /// On a clean stop, writes RocksDB's memtables to table files, so that the next start replays no
    /// write-ahead log: replaying it is the one part of a start that grows with what was written
    /// before the stop (measured at 2 M items: 16 s of a 20 s restart on a loaded machine, 2.7 s with
    /// nothing to replay). Skipped when damage was found (the disk is suspect; the next start's
    /// checks decide). A crash still replays the log, bounded by RocksDB's WAL limits.
    /// </summary>
    private void FlushAtShutdown()
    {
        if (Damage.Current is not null)
        {
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            database.Flush();
            LogFlushedAtShutdown(logger, Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }
        catch (Exception e) when (e is RocksDbSharp.RocksDbException or Storage.Errors.StorageException)
        {
            // Nothing is lost: the write-ahead log still holds every write, and the next start replays it.
            LogFlushAtShutdownFailed(logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Memtables written to table files at shutdown in {Milliseconds} ms (the next start replays no write-ahead log)")]
    private static partial void LogFlushedAtShutdown(ILogger logger, double milliseconds);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Could not write memtables to table files at shutdown ({Reason}); the next start replays the write-ahead log instead")]
    private static partial void LogFlushAtShutdownFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Node {NodeId} is not a consortium node yet: it replays the chain as a non-voter until governance adds it")]
    private static partial void LogJoining(ILogger logger, string nodeId);
}
