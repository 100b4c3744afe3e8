using System.Buffers.Binary;
using System.Threading.Channels;
using Ledger.Consensus;
using Ledger.Node.Metrics;
using Ledger.Node.Peers;
using Ledger.Node.TestFaults;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Consensus;

/// <summary>
/// The one loop that drives a <see cref="RaftNode"/>: it ticks first, steps a bounded number of inputs
/// (peer messages, proposals, read requests), then for each <see cref="Ready"/> sends the messages that
/// may leave before persistence (a leader's appends: its own write runs in parallel with the
/// followers', dissertation §10.2.1), persists (one write, fsynced: group commit), sends the rest,
/// hands committed entries in log order to the <see cref="ApplyStage"/> (its own thread), answers
/// reads once that stage has applied far enough, and calls <see cref="RaftNode.Advance"/>. The node is
/// touched only on this loop's thread, which runs above normal priority so request processing cannot
/// starve ticks and heartbeats. Conf changes are applied to the Raft node here, when handed over (Raft
/// only needs them applied in log order, which they are), and reach the state machine in their place
/// between normal entries. Every input queue is bounded; callers get a refusal instead of unbounded
/// buffering.
/// </summary>
public sealed partial class RaftDriver : IAsyncDisposable
{
    private readonly RaftNode node;
    private readonly IRaftPersistence persistence;
    private readonly IRaftTransport transport;
    private readonly IReplicatedStateMachine stateMachine;
    private readonly RaftDriverOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly IAppliedIndexListener? appliedIndexListener;
    private readonly Channel<DriverInput> inputs;
    private readonly ApplyStage applyStage;
    private readonly NodeMetrics metrics;
    private readonly PeerBoundary peerBoundary;

    // Wakes the loop when an input arrives; no spinning (Task.Wait spins first, which steals a core on small machines).
    private readonly ManualResetEventSlim inputArrived = new(initialState: false, spinCount: 1);
    private readonly Dictionary<ulong, PendingRead> pendingReads = [];
    private readonly List<(ulong Index, PendingRead Read)> readsAwaitingApply = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DriverStatus status;
    private ulong nextReadId;
    private volatile bool readsAwaitApply;
    private Exception? fault;

    // The membership in force in the Raft node, for the peer boundary's sender checks; loop thread only.
    private ConfState membership;

    public RaftDriver(
        RaftNode node,
        IRaftPersistence persistence,
        IRaftTransport transport,
        IReplicatedStateMachine stateMachine,
        RaftDriverOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        IAppliedIndexListener? appliedIndexListener = null,
        NodeMetrics? metrics = null,
        PeerBoundary? peerBoundary = null)
    {
        this.metrics = metrics ?? new NodeMetrics();
        this.peerBoundary = peerBoundary ?? new PeerBoundary(PeerMessageBounds.Of(new RaftConfig()), this.metrics, timeProvider, logger);
        membership = node.Status.ConfState;
        this.node = node;
        this.persistence = persistence;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.appliedIndexListener = appliedIndexListener;
        options.Validate();
        inputs = Channel.CreateBounded<DriverInput>(new BoundedChannelOptions(options.InputQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        status = DriverStatus.From(node);
        thread = new Thread(Run) { IsBackground = true, Name = $"raft-driver-{node.Id}" };
        applyStage = new ApplyStage(stateMachine, options, $"ledger-apply-{node.Id}", OnApplyProgress, OnEntryApplied, timeProvider, this.metrics.ApplyQueueWait);
    }

    /// <summary>
    /// Raised on the apply thread after each committed entry (normal or conf change) was applied, with
    /// its index and term; a leader uses it to learn that an entry it appended was overwritten.
    /// </summary>
    public event Action<ulong, ulong>? EntryApplied;

    /// <summary>The state machine's applied index as the apply stage last published it; safe from any thread.</summary>
    public ulong AppliedIndex => applyStage.AppliedIndex;

    /// <summary>
    /// Raised on the loop thread with the first and last index of the entries a Ready committed, before they
    /// are handed to the apply stage (so before any of them is applied); tracing ends its commit spans here.
    /// </summary>
    public event Action<ulong, ulong>? EntriesCommitted;

    /// <summary>Committed items handed to the apply stage and not yet applied.</summary>
    public int ApplyBacklog => applyStage.Backlog;

    /// <summary>Raised on the loop thread whenever this node's view of the leader or its role changes.</summary>
    public event Action<SoftState>? SoftStateChanged;

    /// <summary>Raised on the loop thread when the node enters or leaves recovery (<see cref="DriverStatus.Recovering"/>).</summary>
    public event Action<DriverStatus>? RecoveringChanged;

    /// <summary>A copy of the node's state as of the last loop iteration; safe from any thread.</summary>
    public DriverStatus Status => status;

    /// <summary>Set when the loop stopped because an invariant broke or storage failed; the node must not serve.</summary>
    public Exception? Fault => fault ?? applyStage.Fault;

    public Task Stopped => stopped.Task;

    /// <summary>
    /// Stops the loop at its next iteration with <paramref name="cause"/> as its <see cref="Fault"/>: local
    /// damage found outside the loop (a block read) must end voting and acknowledging at once.
    /// </summary>
    public void Halt(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        Interlocked.CompareExchange(ref halt, cause, null);
        inputArrived.Set();
    }

    private Exception? halt;

    public void Start()
    {
        applyStage.Start();
        thread.Start();
    }

    /// <summary>
    /// Hands a message this node built itself (a snapshot the receiver staged and verified) to the loop,
    /// unchecked; false when the input queue is full. Peers' messages go through <see cref="TryDeliverFromPeer"/>.
    /// </summary>
    public bool TryDeliver(Message message) => Enqueue(DriverInput.ForMessage(message));

    /// <summary>
    /// Hands a peer's message to the loop, which checks it at the <see cref="PeerBoundary"/> against the
    /// node's state at that moment before Raft sees it; false when the input queue is full (the message
    /// is dropped, Raft retransmits).
    /// </summary>
    public bool TryDeliverFromPeer(Message message) => Enqueue(DriverInput.ForPeerMessage(message));

    /// <summary>The peer boundary this loop checks peers' messages with.</summary>
    public PeerBoundary PeerBoundary => peerBoundary;

    /// <summary>
    /// Proposes <paramref name="data"/> as one log entry. Completes with null when the entry was
    /// appended (or forwarded) and with the reason when Raft refused it.
    /// </summary>
    public Task<ProposalDropReason?> ProposeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ProposalDropReason?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(DriverInput.ForProposal(data, completion)))
        {
            return Task.FromException<ProposalDropReason?>(new DriverBusyException("the consensus input queue is full"));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Proposes <paramref name="data"/> only if this node leads when the loop takes it (never forwarded
    /// through Raft), and marks <paramref name="ticket"/> with the entry's index and term on the loop
    /// thread the moment it is appended. Completes with null when appended, with the reason otherwise.
    /// </summary>
    public Task<ProposalDropReason?> ProposeTrackedAsync(ReadOnlyMemory<byte> data, ProposalTicket ticket, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ProposalDropReason?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(DriverInput.ForTrackedProposal(data, ticket, completion)))
        {
            return Task.FromException<ProposalDropReason?>(new DriverBusyException("the consensus input queue is full"));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes when the apply stage has room for more (its backlog is under half its bounds): the
    /// batcher awaits this before proposing, so a slow apply slows admission instead of growing queues.
    /// </summary>
    public Task WaitForApplyRoomAsync(CancellationToken cancellationToken) => applyStage.WaitForRoomAsync(cancellationToken);

    /// <summary>Completes once the apply stage has applied <paramref name="index"/>.</summary>
    public Task WaitForAppliedAsync(ulong index, CancellationToken cancellationToken) => applyStage.WaitForAppliedAsync(index, cancellationToken);

    public Task<ProposalDropReason?> ProposeConfChangeAsync(ConfChange change, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ProposalDropReason?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(DriverInput.ForConfChange(change, completion)))
        {
            return Task.FromException<ProposalDropReason?>(new DriverBusyException("the consensus input queue is full"));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Linearizable read barrier (ReadIndex, dissertation §6.4): completes with the read index once this
    /// node has applied at least that far, so a local read afterwards observes every write committed
    /// before the call.
    /// </summary>
    public Task<ulong> ReadBarrierAsync(CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(DriverInput.ForRead(completion)))
        {
            return Task.FromException<ulong>(new DriverBusyException("the consensus input queue is full"));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    public bool TryTransferLeadership(ulong target) => Enqueue(DriverInput.ForTransfer(target));

    /// <summary>Tells Raft how sending a snapshot to <paramref name="peer"/> ended (the transfer runs outside the loop).</summary>
    public bool TryReportSnapshot(ulong peer, SnapshotStatus snapshotStatus) => Enqueue(DriverInput.ForSnapshotStatus(peer, snapshotStatus));

    /// <summary>Starts an election now (used to make a freshly bootstrapped single node leader without waiting a timeout).</summary>
    public bool TryCampaign() => Enqueue(DriverInput.ForCampaign());

    private bool Enqueue(DriverInput input)
    {
        if (!inputs.Writer.TryWrite(input))
        {
            return false;
        }

        inputArrived.Set();
        return true;
    }

    private void Run()
    {
        if (options.RaisePriority && !ThreadPriorityBoost.TryRaiseCurrentThread())
        {
            LogPriorityNotRaised(logger);
        }

        try
        {
            var tickTicks = (long)(options.TickInterval.TotalSeconds * timeProvider.TimestampFrequency);
            var nextTick = timeProvider.GetTimestamp() + tickTicks;
            var reader = inputs.Reader;
            while (!stopping.IsCancellationRequested)
            {
                if (Volatile.Read(ref halt) is { } halted)
                {
                    throw halted;
                }

                if (applyStage.Fault is { } applyFault)
                {
                    throw new InvalidOperationException("applying a committed entry failed; the state machine no longer follows the log", applyFault);
                }

                var now = timeProvider.GetTimestamp();
                if (now < nextTick && !reader.TryPeek(out _) && !node.HasReady() && !ReadsReadyToComplete())
                {
                    WaitForInput(timeProvider.GetElapsedTime(now, nextTick));
                    now = timeProvider.GetTimestamp();
                }

                var ticks = 0;
                while (now >= nextTick && ticks < options.TicksPerIterationMax)
                {
                    node.Tick();
                    nextTick += tickTicks;
                    ticks++;
                }

                if (now >= nextTick)
                {
                    // Skip ticks lost to a stall rather than firing a burst of election timeouts.
                    nextTick = now + tickTicks;
                }

                var stepped = 0;
                while (stepped < options.InputsPerIterationMax && reader.TryRead(out var input))
                {
                    Handle(input);
                    stepped++;
                }

                while (node.HasReady())
                {
                    HandleReady(node.GetReady());
                }

                CompleteAppliedReads();
                var previous = status;
                status = DriverStatus.From(node);
                if (status.Recovering != previous.Recovering)
                {
                    RecoveringChanged?.Invoke(status);
                }
            }
        }
        catch (Exception damage) when (damage is RaftLogCorruptionException || ReferenceEquals(damage, Volatile.Read(ref halt)))
        {
            // Local disk damage, not a bug: the message names the record and the recovery, and the
            // loop stays stopped (no vote, no ack, no replay into the damage); a stack trace adds nothing.
            fault = damage;
            LogLocalDamage(logger, damage.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            fault = ex;
            LogFault(logger, ex);
        }
        finally
        {
            if (fault is not null)
            {
                // A stopped loop leads nothing and knows no leader: its last status must not say otherwise.
                status = status with { Role = RaftRole.Follower, Leader = 0 };
            }

            FailPending();
            stopped.TrySetResult();
        }
    }

    private void WaitForInput(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        inputArrived.Reset();
        if (inputs.Reader.TryPeek(out _) || ReadsReadyToComplete())
        {
            // Arrived between the caller's check and the reset.
            return;
        }

        try
        {
            inputArrived.Wait(timeout, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Handle(in DriverInput input)
    {
        switch (input.Kind)
        {
            case DriverInputKind.Message:
                // Built here from a peer's transfer (a staged snapshot): its checks ran before delivery, but the node's
                // role may have changed since; a refusal by Raft drops it like a peer's message.
                StepGuarded(input.Message!);
                break;
            case DriverInputKind.PeerMessage:
                StepPeerMessage(input.Message!);
                break;
            case DriverInputKind.Proposal when input.Ticket is { } ticket:
                ProposeTracked(input.Data, ticket, input.ProposalCompletion!);
                break;
            case DriverInputKind.Proposal:
                input.ProposalCompletion!.TrySetResult(node.TryPropose(input.Data, out var reason) ? null : reason);
                break;
            case DriverInputKind.ConfChange:
                try
                {
                    node.ProposeConfChange(input.ConfChange);
                    input.ProposalCompletion!.TrySetResult(null);
                }
                catch (ProposalDroppedException dropped)
                {
                    input.ProposalCompletion!.TrySetResult(dropped.Reason);
                }

                break;
            case DriverInputKind.Read:
                StartRead(input.ReadCompletion!);
                break;
            case DriverInputKind.Transfer:
                node.TransferLeadership(input.Target);
                break;
            case DriverInputKind.Campaign:
                node.Campaign();
                break;
            case DriverInputKind.Inspect:
                input.InspectCompletion!.TrySetResult(node.Status);
                break;
            case DriverInputKind.SnapshotStatus:
                node.ReportSnapshot(input.Target, input.SnapshotStatus);
                break;
            default:
                throw new InvalidOperationException($"unknown driver input {input.Kind}");
        }
    }

    /// <summary>
    /// Validates a peer's message against the node's state right now, then steps it. A message Raft still
    /// throws on is dropped and counted: a peer's input must never stop this loop. Storage failures are
    /// this node's own fault and still stop it.
    /// </summary>
    private void StepPeerMessage(Message message)
    {
        var refusal = peerBoundary.Check(message, LocalRaftView.Of(node, membership));
        if (refusal != PeerFrameRefusal.None)
        {
            peerBoundary.Refused(message.From, refusal, message.Type);
            return;
        }

        StepGuarded(PeerMessageValidator.WithoutUnheldCommit(message, node.LastIndex));
    }

    private void StepGuarded(Message message)
    {
        try
        {
            node.Step(message);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or RaftStorageException or StorageException))
        {
            peerBoundary.Refused(message.From, PeerFrameRefusal.StepFailed, message.Type, ex);
        }
    }

    private void ProposeTracked(ReadOnlyMemory<byte> data, ProposalTicket ticket, TaskCompletionSource<ProposalDropReason?> completion)
    {
        if (node.Role != RaftRole.Leader)
        {
            // Forwarding through Raft would leave the submitter unable to tell whether it was appended.
            completion.TrySetResult(ProposalDropReason.NoLeader);
            return;
        }

        if (!node.TryPropose(data, out var reason))
        {
            completion.TrySetResult(reason);
            return;
        }

        ticket.MarkAppended(node.LastIndex, node.Term);
        completion.TrySetResult(null);
    }

    private void StartRead(TaskCompletionSource<ulong> completion)
    {
        if (pendingReads.Count >= options.PendingReadsMax)
        {
            completion.TrySetException(new DriverBusyException($"{options.PendingReadsMax} linearizable reads are already pending"));
            return;
        }

        var id = ++nextReadId;
        var context = new byte[PeerMessageBounds.ReadIndexContextBytes];
        BinaryPrimitives.WriteUInt64BigEndian(context, id);
        try
        {
            node.ReadIndex(context);
            pendingReads[id] = new PendingRead(completion);
        }
        catch (ProposalDroppedException dropped)
        {
            completion.TrySetException(new ReadNotPossibleException(dropped.Reason));
        }
    }

    private void HandleReady(Ready ready)
    {
        // A leader's appends leave before its own write, so its fsync overlaps the followers' (dissertation §10.2.1).
        Send(ready.MessagesBeforePersist);
        stateMachine.Prepare(ready.Entries);
        var persistStarted = timeProvider.GetTimestamp();
        persistence.Persist(ready.Snapshot, ready.Entries, ready.HardState, ready.MustSync && options.Fsync);
        metrics.RaftPersist.Observe(timeProvider.GetElapsedTime(persistStarted).TotalSeconds);
        Send(ready.MessagesAfterPersist);

        if (ready.Snapshot is { IsEmpty: false } snapshot)
        {
            membership = snapshot.Metadata.ConfState;
            // Restored in its place: after every entry handed over before it, before every entry after it.
            applyStage.Enqueue(ApplyWork.ForSnapshot(snapshot));
        }

        if (ready.CommittedEntries.Count > 0)
        {
            EntriesCommitted?.Invoke(ready.CommittedEntries[0].Index, ready.CommittedEntries[ready.CommittedEntries.Count - 1].Index);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Type == EntryType.ConfChange)
            {
                var change = ConfChange.Decode(entry.Data);
                var resulting = node.ApplyConfChange(change);
                membership = resulting;
                persistence.SaveConfState(resulting, entry.Index);
                applyStage.Enqueue(ApplyWork.ForConfChange(entry, change, resulting));
            }
            else
            {
                applyStage.Enqueue(ApplyWork.ForEntry(entry));
            }
        }

        if (options.TestBugs.IsOn(TestBug.AckBeforeCommit))
        {
            ApplyAppendedBeforeCommit(ready.CommittedEntries, ready.Entries);
        }

        if (ready.CommittedEntries.Count > 0)
        {
            appliedIndexListener?.OnApplied(stateMachine.AppliedIndex);
        }

        foreach (var readState in ready.ReadStates)
        {
            if (readState.RequestContext.Length != PeerMessageBounds.ReadIndexContextBytes)
            {
                // Not one of this loop's read ids (the peer boundary refuses such answers; this keeps the loop safe regardless).
                continue;
            }

            var id = BinaryPrimitives.ReadUInt64BigEndian(readState.RequestContext.Span);
            if (pendingReads.Remove(id, out var read))
            {
                readsAwaitingApply.Add((readState.Index, read));
                readsAwaitApply = true;
            }
        }

        CompleteAppliedReads();

        if (ready.SoftState is { } soft)
        {
            SoftStateChanged?.Invoke(soft);
            if (soft.Role != RaftRole.Leader && pendingReads.Count > 0)
            {
                // Reads in flight at a deposed leader will never be answered; fail them now so clients retry.
                foreach (var read in pendingReads.Values)
                {
                    read.Completion.TrySetException(new ReadNotPossibleException(ProposalDropReason.NoLeader));
                }

                pendingReads.Clear();
            }
        }

        node.Advance(ready);
    }

    private bool ReadsReadyToComplete()
    {
        var applied = applyStage.AppliedIndex;
        foreach (var (index, _) in readsAwaitingApply)
        {
            if (index <= applied)
            {
                return true;
            }
        }

        return false;
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (!transport.Send(message))
            {
                node.ReportUnreachable(message.To);
            }
        }
    }

    private void CompleteAppliedReads()
    {
        if (readsAwaitingApply.Count == 0)
        {
            readsAwaitApply = false;
            return;
        }

        var applied = applyStage.AppliedIndex;
        for (var i = readsAwaitingApply.Count - 1; i >= 0; i--)
        {
            if (readsAwaitingApply[i].Index <= applied)
            {
                readsAwaitingApply[i].Read.Completion.TrySetResult(readsAwaitingApply[i].Index);
                readsAwaitingApply.RemoveAt(i);
            }
        }

        readsAwaitApply = readsAwaitingApply.Count > 0;
    }

    private void OnApplyProgress()
    {
        if (readsAwaitApply || applyStage.Fault is not null)
        {
            inputArrived.Set();
        }
    }

    private void OnEntryApplied(ulong index, ulong term) => EntryApplied?.Invoke(index, term);

    private void FailPending()
    {
        var error = new DriverStoppedException(fault);
        foreach (var read in pendingReads.Values)
        {
            read.Completion.TrySetException(error);
        }

        foreach (var (_, read) in readsAwaitingApply)
        {
            read.Completion.TrySetException(error);
        }

        inputs.Writer.TryComplete();
        while (inputs.Reader.TryRead(out var input))
        {
            input.ProposalCompletion?.TrySetException(error);
            input.ReadCompletion?.TrySetException(error);
            input.InspectCompletion?.TrySetException(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (thread.IsAlive)
        {
            await stopped.Task.ConfigureAwait(false);
        }

        // After the loop: nothing more is handed over. Items still queued are applied again after a restart.
        applyStage.Stop();

        stopping.Dispose();
    }

    private sealed record PendingRead(TaskCompletionSource<ulong> Completion);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Could not raise the Raft drive loop's thread priority; under CPU contention heartbeats may be delayed")]
    private static partial void LogPriorityNotRaised(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Critical, Message = "Raft drive loop stopped: {Damage}")]
    private static partial void LogLocalDamage(ILogger logger, string damage);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Critical, Message = "Raft drive loop stopped: the node will not serve until restarted")]
    private static partial void LogFault(ILogger logger, Exception exception);
}
