using Google.Protobuf;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Attestation;
using Ledger.Node.Batching;
using Ledger.Node.Chain;
using Ledger.Node.Configuration;
using Ledger.Node.Consensus;
using Ledger.Node.Governance;
using Ledger.Node.Applying;
using Ledger.Node.Metrics;
using Ledger.Node.Peers;
using Ledger.Node.Snapshots;
using Ledger.Node.Submission;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
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
    private readonly NodeOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly LedgerDatabase database;
    private readonly RocksDbRaftLogStorage raftLog;
    private readonly RaftDriver driver;
    private readonly TransactionBatcher batcher;
    private readonly BlockClock blockClock;
    private readonly PeerNetwork peers;
    private readonly MembershipReconciler reconciler;

    /// <summary>How often (in Raft ticks) the leader re-checks membership without a trigger: learner catch-up, retries.</summary>
    private const int MembershipReconcileTicks = 5;
    private readonly SnapshotSender snapshotSender;
    private ulong knownLeader;

    // Longest time the last proposed batch's submissions waited in the batcher queue, ms; read at the door.
    private int lastQueueWaitMilliseconds;

    // Log indexes of this leader's batches not yet known applied, oldest first; only the batcher's loop touches it.
    private readonly Queue<ulong> batchesInFlight = new();

    /// <summary>Longest wait for an earlier batch to apply before proposing anyway (leadership may have moved meanwhile).</summary>
    private static readonly TimeSpan BatchInFlightWaitMax = TimeSpan.FromSeconds(1);

    public LedgerNode(NodeOptions options, ChainContext chain, string nodeId, KeyPair nodeKey, IReadOnlyDictionary<string, string> peerUrls, PeerTls? tls, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        Chain = chain;
        NodeId = nodeId;
        logger = loggerFactory.CreateLogger<LedgerNode>();
        RaftId = Core.Consortium.RaftNodeIds.Of(nodeId);
        Metrics = new NodeMetrics();
        database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = Path.Combine(options.DataDirectory, "db"),
            ChainId = chain.ChainId,
            SyncWrites = false,
        });
        try
        {
            // Before any store reads the state: finish a snapshot install a crash interrupted.
            var snapshotStaging = new SnapshotStaging(Path.Combine(options.DataDirectory, "snapshots"));
            StateSnapshotInstaller.CompleteInterrupted(database, snapshotStaging);
            RegistryState = new RocksDbRegistryState(database);
            if (!RegistryState.TryGet(StateKeys.AppliedHeight(), out _))
            {
                RegistryGenesis.Initialize(RegistryState, chain.Genesis, chain.RegistryOptions);
            }

            Blocks = new BlockStore(database, BlockHashing.Canonical(chain.Hash));
            Attestations = new AttestationStore(database);
            PendingReceipts = new PendingReceipts(options.PendingReceiptsMax);
            Notifier = new BlockNotifier();
            Gate = new SubmissionGate(chain, RegistryState, options.TransactionBytesMax, () => Blocks.LatestHeight);

            var voters = new List<ulong>();
            foreach (var node in chain.FoundingNodes)
            {
                voters.Add(node.RaftId);
            }

            // Founders and joiners alike start from the same recorded founding membership at index 1, so a
            // node added later receives the log from index 2 by ordinary appends; until a conf change makes
            // it a voter it is not promotable and never campaigns.
            var founders = new ConfState([.. voters], []);
            raftLog = new RocksDbRaftLogStorage(database, founders);
            if (raftLog.LastIndex() == 0 && raftLog.InitialState().HardState.IsEmpty)
            {
                raftLog.Persist(RaftBootstrap.FoundingSnapshot(founders), [], RaftBootstrap.FoundingHardState, sync: true);
            }

            Directory = new NodeDirectory(nodeId, nodeKey.KeyId, RegistryState, raftLog.ConfState, Blocks.AppliedRaftIndex);
            if (Directory.IsJoining)
            {
                LogJoining(logger, nodeId);
            }

            peers = new PeerNetwork(nodeId, raftId => ResolvePeer(raftId, peerUrls), options.PeerQueueCapacity, tls, timeProvider, loggerFactory);
            Collector = new AttestationCollector(chain, Directory, nodeId, nodeKey, Blocks, Attestations, attestation => peers.Broadcast(attestation, Directory.BroadcastTargets), loggerFactory.CreateLogger<AttestationCollector>());
            AttestationWorker = new AttestationWorker(Collector, loggerFactory.CreateLogger<AttestationWorker>(),
                new BlockTimeWitness(timeProvider, chain.Genesis.EffectiveBlockTimeSkewMilliseconds, Metrics.BlockTimeRefusals.WithLabels("attestation"), logger));
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
                },
                raftLog);
            StateMachine = new LedgerStateMachine(chain, database, Blocks, RegistryState, PendingReceipts, Notifier, AttestationWorker.OnBlockCommitted,
                new StateSnapshotRestorer(chain, database, Blocks, Attestations, RegistryState, snapshotStaging, Notifier), Metrics);
            StateMachine.EffectsApplied += OnRegistryEffects;
            StateMachine.MembershipApplied += OnRaftMembershipApplied;
            snapshotSender = new SnapshotSender(nodeId, database, Path.Combine(options.DataDirectory, "snapshots", "outgoing"), peers.ClientFor,
                (peer, status) => driver!.TryReportSnapshot(peer, status), options.Snapshots, timeProvider, loggerFactory.CreateLogger<SnapshotSender>());
            SnapshotReceiver = new SnapshotReceiver(chain, RaftId, Blocks, snapshotStaging, message => driver!.TryDeliver(message), options.Snapshots, timeProvider, loggerFactory.CreateLogger<SnapshotReceiver>());
            driver = new RaftDriver(
                raftNode,
                new RaftLogPersistence(raftLog),
                new SnapshotRoutingTransport(peers, snapshotSender),
                StateMachine,
                new RaftDriverOptions { TickInterval = TimeSpan.FromMilliseconds(options.TickMilliseconds), Fsync = options.Fsync },
                timeProvider,
                loggerFactory.CreateLogger<RaftDriver>(),
                new LogCompactor(raftLog, Blocks, chain.ChainId, options.Raft),
                Metrics);
            Metrics.RefreshBeforeScrape(m =>
            {
                var raft = driver.Status;
                m.Height.Set(Blocks.LatestHeight);
                m.AppliedIndex.Set(StateMachine.AppliedIndex);
                m.Term.Set(raft.Term);
                m.IsLeader.Set(raft.Role == RaftRole.Leader ? 1 : 0);
            });
            driver.SoftStateChanged += OnSoftStateChanged;
            driver.EntryApplied += PendingReceipts.OnEntryApplied;
            batcher = new TransactionBatcher(options.Batching, timeProvider, EmitBatchAsync);
            blockClock = new BlockClock(timeProvider, () => Blocks.GetHeader(Blocks.LatestHeight)?.TimestampUnixMs ?? 0, () => driver.Status.Term);
            reconciler = new MembershipReconciler(driver, Directory, height => height == 0 ? 0 : Blocks.GetHeader(height)?.RaftIndex, TimeSpan.FromMilliseconds(options.TickMilliseconds * MembershipReconcileTicks), timeProvider, loggerFactory.CreateLogger<MembershipReconciler>());
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public ChainContext Chain { get; }

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

    /// <summary>Where applied blocks and peers' attestations go to be signed, verified and certified, off the apply and peer threads.</summary>
    public AttestationWorker AttestationWorker { get; }

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

    public PeerNetwork Peers => peers;

    /// <summary>The follower's check of the leader's stamps before acknowledging them (see docs/threat-model.md, "Time").</summary>
    public EntryTimeCheck EntryTimeCheck { get; }

    public DriverStatus RaftStatus => driver.Status;

    public bool IsLeader => driver.Status.Role == RaftRole.Leader;

    public void Start()
    {
        driver.Start();
        reconciler.Start();
        if (Chain.FoundingNodes.Count == 1 && Chain.FindNode(RaftId) is not null)
        {
            // A lone node need not wait out an election timeout to lead.
            driver.TryCampaign();
        }
    }

    /// <summary>
    /// Admits and submits one transaction and waits until it is applied. Throws <see cref="RpcException"/>
    /// with the precise status when it is refused, cannot be replicated, or the deadline passes.
    /// </summary>
    public Task<CommittedTransaction> SubmitAsync(SignedTransaction? transaction, CancellationToken cancellationToken) =>
        SubmitAsync(transaction, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync(SignedTransaction?, CancellationToken)"/>, answering DeadlineExceeded once
    /// <paramref name="timeout"/> (measured on the node's clock) has passed without the transaction being
    /// applied. Cheaper per submission than a linked token source with its own timer.
    /// </summary>
    public async Task<CommittedTransaction> SubmitAsync(SignedTransaction? transaction, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            return await SubmitCoreAsync(transaction, timeout, started, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException refused)
        {
            Metrics.Refused.WithLabels(refused.StatusCode.ToString()).Inc();
            throw;
        }
        finally
        {
            Metrics.Submit.Observe(timeProvider.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<CommittedTransaction> SubmitCoreAsync(SignedTransaction? transaction, TimeSpan timeout, long started, CancellationToken cancellationToken)
    {
        ThrowIfNotServing();
        var raft = driver.Status;
        if (raft.Role != RaftRole.Leader && raft.Leader == 0)
        {
            // Nowhere to send it now; queueing it would only run out the caller's deadline.
            throw LeaderUnavailable("no leader is known; retry shortly", 0);
        }

        if (Volatile.Read(ref lastQueueWaitMilliseconds) > options.Batching.QueueWaitMaxMilliseconds / 2 && batcher.QueuedCount > 0)
        {
            // Overloaded: refuse before the signature check, the costliest step, so the CPU goes to
            // submissions that can still be answered in time (shedding load cheaply keeps goodput up).
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "the leader is overloaded (submissions wait too long for a batch); retry later"));
        }

        PendingTransaction admitted;
        try
        {
            admitted = Gate.Admit(transaction);
            Metrics.Admission.Observe(timeProvider.GetElapsedTime(started).TotalSeconds);
        }
        catch (SubmissionRejectedException rejected)
        {
            // A retry of a transaction that is already in the chain is answered with where it is (idempotent submit).
            if (rejected.StatusCode == StatusCode.AlreadyExists && rejected.TransactionHash is { } hash && FindCommitted(hash) is { } existing)
            {
                return existing;
            }

            throw rejected.ToRpcException();
        }

        if (!PendingReceipts.TryRegister(admitted.TransactionHash, out var waiter))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{options.PendingReceiptsMax} submissions are already waiting for commit; retry later"));
        }

        if (!batcher.TryEnqueue(admitted with { Waiter = waiter, QueuedTimestamp = timeProvider.GetTimestamp() }))
        {
            PendingReceipts.Forget(waiter);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "the submission queue is full; retry later"));
        }

        try
        {
            // One timer and one registration per submission (the wait's own), no linked token source.
            return await waiter.Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            PendingReceipts.Forget(waiter);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the transaction was accepted but not applied before the deadline; query it by hash later"));
        }
        catch (TaskCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the transaction could not be replicated (leadership changed); resubmit the same signed transaction"));
        }
    }

    /// <summary>Where an applied transaction is, or null.</summary>
    public CommittedTransaction? FindCommitted(byte[] transactionHash)
    {
        var stored = Blocks.FindTransaction(transactionHash);
        return stored is null ? null : new CommittedTransaction(stored.TransactionHash, stored.Height, stored.Position, stored.Result, Blocks.GetHeader(stored.Height)!);
    }

    /// <summary>Builds the receipt for an applied transaction: its inclusion proof against its block's log root.</summary>
    public Receipt BuildReceipt(CommittedTransaction committed) => new()
    {
        TxHash = ByteString.CopyFrom(committed.TransactionHash),
        BlockHeight = committed.Height,
        Position = committed.Position,
        Result = committed.Result,
        Header = committed.Header,
        // The block's proofs when built for its waiting submitters; else from the header at hand (no block re-read).
        LogInclusion = committed.Proofs?.Get(committed.Position) ?? Blocks.GetLogInclusionProof(committed.Header, committed.Position, committed.Header.LogSize),
    };

    /// <summary>Transactions forwarded by a follower: admitted here again, then batched; the follower waits for apply itself.</summary>
    public ForwardResponse AcceptForwarded(ForwardRequest request)
    {
        var response = new ForwardResponse { LeaderId = LeaderNodeId() ?? "" };
        var transactions = request.Transactions;
        var errors = new string[transactions.Count];
        // A forwarded batch arrives on one call: verify its signatures on every core, then queue in order.
        var admitted = new PendingTransaction?[transactions.Count];
        Parallel.For(0, transactions.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                admitted[i] = Gate.Admit(transactions[i]);
                errors[i] = "";
            }
            catch (SubmissionRejectedException rejected)
            {
                errors[i] = rejected.Message;
            }
        });
        for (var i = 0; i < admitted.Length; i++)
        {
            if (admitted[i] is { } pending && !batcher.TryEnqueue(pending))
            {
                errors[i] = "leader submission queue full";
            }
        }

        response.Errors.Add(errors);
        return response;
    }

    public string? LeaderNodeId()
    {
        var leader = driver.Status.Leader;
        return leader == 0 ? null : Directory.Nodes.Find(leader)?.NodeId;
    }

    public void ThrowIfNotServing()
    {
        if (driver.Fault is { } fault)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"this node stopped after a fault: {fault.Message}"));
        }

        if (AttestationWorker.Fault is { } attestationFault)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"this node stopped after a fault in attestation work: {attestationFault.Message}"));
        }

        if (Collector.Divergence is { } divergence)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"this node diverged from the consortium and stopped serving: {divergence}"));
        }
    }

    private async ValueTask EmitBatchAsync(IReadOnlyList<PendingTransaction> batch, CancellationToken cancellationToken)
    {
        var status = driver.Status;
        if (status.Role == RaftRole.Leader)
        {
            await ProposeBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Not leading: nothing to pace, and a queue-wait measured as leader says nothing about forwarding.
        batchesInFlight.Clear();
        Volatile.Write(ref lastQueueWaitMilliseconds, 0);
        await ForwardAsync(batch, status.Leader, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProposeBatchAsync(IReadOnlyList<PendingTransaction> batch, CancellationToken cancellationToken)
    {
        try
        {
            // Backpressure: while blocks are being built slower than entries commit, admission waits here
            // and the bounded batcher queue in front of it fills, so submitters get ResourceExhausted.
            await driver.WaitForApplyRoomAsync(cancellationToken).ConfigureAwait(false);
            await WaitForBatchSlotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DriverStoppedException e)
        {
            FailBatch(batch, StatusCode.Unavailable, $"this node stopped: {e.Message}", 0);
            return;
        }

        var transactions = new List<byte[]>(batch.Count);
        var batchWaiters = new List<ReceiptWaiter>(batch.Count);
        var now = timeProvider.GetTimestamp();
        RpcException? overloaded = null;
        var longestWait = TimeSpan.Zero;
        foreach (var pending in batch)
        {
            if (pending.QueuedTimestamp != 0)
            {
                var waited = timeProvider.GetElapsedTime(pending.QueuedTimestamp, now);
                longestWait = waited > longestWait ? waited : longestWait;
                Metrics.QueueWait.Observe(waited.TotalSeconds);
            }

            if (pending.Waiter is { } waiter)
            {
                if (!waiter.IsPending)
                {
                    // Answered while queued (leadership changed, deadline passed): the client has moved on.
                    continue;
                }

                if (pending.QueuedTimestamp != 0 && timeProvider.GetElapsedTime(pending.QueuedTimestamp, now).TotalMilliseconds > options.Batching.QueueWaitMaxMilliseconds)
                {
                    overloaded ??= new RpcException(new Status(StatusCode.ResourceExhausted, $"the transaction waited more than {options.Batching.QueueWaitMaxMilliseconds} ms for a batch (the leader is overloaded); retry later"));
                    PendingReceipts.Fail(waiter, overloaded);
                    continue;
                }

                batchWaiters.Add(waiter);
            }

            transactions.Add(pending.SignedTransactionBytes);
        }

        Volatile.Write(ref lastQueueWaitMilliseconds, (int)Math.Min(int.MaxValue, longestWait.TotalMilliseconds));
        if (transactions.Count == 0)
        {
            return;
        }

        Metrics.BatchTransactions.Observe(transactions.Count);
        var waitersOfBatch = batchWaiters.ToArray();
        var ticket = new ProposalTicket(appended => PendingReceipts.TrackAppended(appended, waitersOfBatch));
        foreach (var waiter in waitersOfBatch)
        {
            waiter.Ticket = ticket;
        }

        var data = EntryBatchCodec.Encode(blockClock.Next(), NodeId, [.. transactions]);
        ProposalDropReason? dropped;
        try
        {
            dropped = await driver.ProposeTrackedAsync(data, ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (DriverBusyException)
        {
            FailBatch(batch, StatusCode.ResourceExhausted, "the consensus input queue is full; retry later", 0);
            return;
        }
        catch (DriverStoppedException e)
        {
            FailBatch(batch, StatusCode.Unavailable, $"this node stopped: {e.Message}", 0);
            return;
        }

        if (dropped is { } reason)
        {
            FailBatch(batch, StatusCode.Unavailable, $"the leader refused the batch: {reason}", driver.Status.Leader);
            return;
        }

        batchesInFlight.Enqueue(ticket.Index);
    }

    private async Task WaitForBatchSlotAsync(CancellationToken cancellationToken)
    {
        while (batchesInFlight.Count >= options.Batching.BatchesInFlightMax)
        {
            try
            {
                await driver.WaitForAppliedAsync(batchesInFlight.Peek(), cancellationToken).WaitAsync(BatchInFlightWaitMax, cancellationToken).ConfigureAwait(false);
                batchesInFlight.Dequeue();
            }
            catch (Exception e) when (e is TimeoutException or DriverBusyException)
            {
                // Not applied in time (lost leadership, overwritten, a stalled follower): stop pacing on it.
                batchesInFlight.Clear();
            }
        }
    }

    private void OnSoftStateChanged(SoftState soft)
    {
        // Runs on the drive loop's thread, in order with appends: see PendingReceipts for why appended
        // submissions keep waiting and everything else is answered now.
        if (soft.Leader == knownLeader)
        {
            return;
        }

        var previous = knownLeader;
        knownLeader = soft.Leader;
        if (previous == 0 && PendingReceipts.Count == 0)
        {
            return;
        }

        var failed = PendingReceipts.FailUnappended(LeaderUnavailable(
            soft.Leader == RaftId ? "leadership changed while the transaction waited for a batch; resubmit" : "the leader changed before the transaction reached its log; resubmit the same signed transaction",
            soft.Leader));
        if (failed > 0)
        {
            LogFailedOnLeaderChange(logger, failed, previous, soft.Leader);
        }
    }

    /// <summary>Unavailable with a <c>ledger-leader</c> trailer naming the leader when one is known (clients retry there).</summary>
    public RpcException LeaderUnavailable(string message, ulong leaderRaftId)
    {
        var leaderNode = leaderRaftId == 0 ? null : (Directory.Nodes.Find(leaderRaftId)?.NodeId ?? Chain.FindNode(leaderRaftId)?.NodeId);
        var status = new Status(StatusCode.Unavailable, leaderNode is null ? message : $"{message} (leader: {leaderNode})");
        return leaderNode is null ? new RpcException(status) : new RpcException(status, new Metadata { { LeaderHintKey, leaderNode } });
    }

    /// <summary>Response trailer naming the current leader's node id on Unavailable.</summary>
    public const string LeaderHintKey = "ledger-leader";

    private async Task ForwardAsync(IReadOnlyList<PendingTransaction> batch, ulong leader, CancellationToken cancellationToken)
    {
        var client = leader == 0 ? null : peers.ClientFor(leader);
        if (client is null)
        {
            FailBatch(batch, StatusCode.Unavailable, leader == 0 ? "no leader is known; retry shortly" : "the leader cannot be reached from this node; retry at the leader", leader);
            return;
        }

        var request = new ForwardRequest();
        foreach (var pending in batch)
        {
            request.Transactions.Add(SignedTransaction.Parser.ParseFrom(pending.SignedTransactionBytes));
        }

        try
        {
            var response = await client.ForwardAsync(request, deadline: timeProvider.GetUtcNow().UtcDateTime.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count && i < response.Errors.Count; i++)
            {
                if (response.Errors[i].Length > 0)
                {
                    PendingReceipts.Fail(batch[i].TransactionHash, LeaderUnavailable($"leader refused: {response.Errors[i]}", leader));
                }
            }
        }
        catch (RpcException e)
        {
            LogForwardFailed(logger, leader, e.Status.Detail);
            FailBatch(batch, StatusCode.Unavailable, $"forwarding to the leader failed: {e.Status.Detail}", leader);
        }
    }

    private void FailBatch(IReadOnlyList<PendingTransaction> batch, StatusCode code, string reason, ulong leader)
    {
        var error = code == StatusCode.Unavailable ? LeaderUnavailable(reason, leader) : new RpcException(new Status(code, reason));
        foreach (var pending in batch)
        {
            if (pending.Waiter is { } waiter)
            {
                PendingReceipts.Fail(waiter, error);
            }
            else
            {
                PendingReceipts.Fail(pending.TransactionHash, error);
            }
        }
    }

    /// <summary>
    /// Where a Raft peer listens: a --peers flag wins (operators know their network), then the address
    /// the registry records. A node this node's registry does not know yet (added in blocks it has not
    /// applied) is reachable only through a flag.
    /// </summary>
    private PeerAddress? ResolvePeer(ulong raftId, IReadOnlyDictionary<string, string> peerUrls)
    {
        if (raftId == RaftId)
        {
            return null;
        }

        var node = Directory.Nodes.Find(raftId);
        if (node is not null)
        {
            return new PeerAddress(node.NodeId, peerUrls.TryGetValue(node.NodeId, out var url) ? url : node.Address);
        }

        foreach (var (peerId, peerUrl) in peerUrls)
        {
            if (Core.Consortium.RaftNodeIds.Of(peerId) == raftId)
            {
                return new PeerAddress(peerId, peerUrl);
            }
        }

        return null;
    }

    private void OnRegistryEffects(IReadOnlyList<Registry.Applying.RegistryEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (effect is Registry.Applying.NodeMembershipChange change)
            {
                LogNodeMembershipChange(logger, change.Kind.ToString(), change.NodeId, change.Height);
                Directory.Reload();
                return;
            }
        }
    }

    private void OnRaftMembershipApplied(ulong index, ConfState membership)
    {
        Directory.OnRaftMembershipApplied(index, membership);
        LogRaftMembership(logger, membership.ToString());
        foreach (var peer in peers.ConnectedPeers())
        {
            if (!membership.Contains(peer) && !Directory.Nodes.IsActive(peer))
            {
                peers.Forget(peer);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await batcher.DisposeAsync().ConfigureAwait(false);
        await reconciler.DisposeAsync().ConfigureAwait(false);
        await snapshotSender.DisposeAsync().ConfigureAwait(false);
        await driver.DisposeAsync().ConfigureAwait(false);
        // After the apply thread stopped (nothing more is queued), before the peers and the store go.
        await AttestationWorker.DisposeAsync().ConfigureAwait(false);
        PendingReceipts.FailAll(new RpcException(new Status(StatusCode.Unavailable, "the node is shutting down")));
        await peers.DisposeAsync().ConfigureAwait(false);
        database.Dispose();
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Leader changed from {Previous} to {Leader}: {Failed} submissions that had not reached the log were answered Unavailable")]
    private static partial void LogFailedOnLeaderChange(ILogger logger, int failed, ulong previous, ulong leader);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Forwarding a batch to leader {Leader} failed: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, ulong leader, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Node {NodeId} is not a consortium node yet: it replays the chain as a non-voter until governance adds it")]
    private static partial void LogJoining(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Governance: {Kind} '{NodeId}' at height {Height}")]
    private static partial void LogNodeMembershipChange(ILogger logger, string kind, string nodeId, ulong height);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Raft membership is now {Membership}")]
    private static partial void LogRaftMembership(ILogger logger, string membership);
}
