using System.Buffers.Binary;
using System.Threading.Channels;
using Ledger.Consensus;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Consensus;

/// <summary>
/// The one loop that drives a <see cref="RaftNode"/>: it steps inputs (peer messages, proposals,
/// read requests, ticks), then for each <see cref="Ready"/> sends the early messages, persists (one
/// write, fsynced: group commit), sends the rest, applies committed entries, answers reads and calls
/// <see cref="RaftNode.Advance"/> — exactly the order the Ready contract demands. The node is touched
/// only on this loop's thread.
/// Every input queue is bounded; callers get a refusal instead of unbounded buffering.
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
    private readonly Channel<DriverInput> inputs;

    // Wakes the loop when an input arrives; no spinning (Task.Wait spins first, which steals a core on small machines).
    private readonly ManualResetEventSlim inputArrived = new(initialState: false, spinCount: 1);
    private readonly Dictionary<ulong, PendingRead> pendingReads = [];
    private readonly List<(ulong Index, PendingRead Read)> readsAwaitingApply = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DriverStatus status;
    private ulong nextReadId;
    private Exception? fault;

    public RaftDriver(
        RaftNode node,
        IRaftPersistence persistence,
        IRaftTransport transport,
        IReplicatedStateMachine stateMachine,
        RaftDriverOptions options,
        TimeProvider timeProvider,
        ILogger logger)
    {
        this.node = node;
        this.persistence = persistence;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        inputs = Channel.CreateBounded<DriverInput>(new BoundedChannelOptions(options.InputQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        status = DriverStatus.From(node);
        thread = new Thread(Run) { IsBackground = true, Name = $"raft-driver-{node.Id}" };
    }

    /// <summary>Raised on the loop thread whenever this node's view of the leader or its role changes.</summary>
    public event Action<SoftState>? SoftStateChanged;

    /// <summary>A copy of the node's state as of the last loop iteration; safe from any thread.</summary>
    public DriverStatus Status => status;

    /// <summary>Set when the loop stopped because an invariant broke or storage failed; the node must not serve.</summary>
    public Exception? Fault => fault;

    public Task Stopped => stopped.Task;

    public void Start() => thread.Start();

    /// <summary>Hands a peer's message to the loop; false when the input queue is full (the message is dropped, Raft retransmits).</summary>
    public bool TryDeliver(Message message) => Enqueue(DriverInput.ForMessage(message));

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
        try
        {
            var tickTicks = (long)(options.TickInterval.TotalSeconds * timeProvider.TimestampFrequency);
            var nextTick = timeProvider.GetTimestamp() + tickTicks;
            var reader = inputs.Reader;
            while (!stopping.IsCancellationRequested)
            {
                var now = timeProvider.GetTimestamp();
                if (now < nextTick && !reader.TryPeek(out _) && !node.HasReady())
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

                status = DriverStatus.From(node);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            fault = ex;
            LogFault(logger, ex);
        }
        finally
        {
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
        if (inputs.Reader.TryPeek(out _))
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
                node.Step(input.Message!);
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
            default:
                throw new InvalidOperationException($"unknown driver input {input.Kind}");
        }
    }

    private void StartRead(TaskCompletionSource<ulong> completion)
    {
        if (pendingReads.Count >= options.PendingReadsMax)
        {
            completion.TrySetException(new DriverBusyException($"{options.PendingReadsMax} linearizable reads are already pending"));
            return;
        }

        var id = ++nextReadId;
        var context = new byte[sizeof(ulong)];
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
        persistence.Persist(ready.Snapshot, ready.Entries, ready.HardState, ready.MustSync && options.Fsync);
        Send(ready.MessagesAfterPersist);

        if (ready.Snapshot is { IsEmpty: false } snapshot)
        {
            stateMachine.RestoreSnapshot(snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Index <= stateMachine.AppliedIndex)
            {
                continue;
            }

            if (entry.Type == EntryType.ConfChange)
            {
                var change = ConfChange.Decode(entry.Data);
                var resulting = node.ApplyConfChange(change);
                persistence.SaveConfState(resulting, entry.Index);
                stateMachine.ApplyConfChangeEntry(entry, change, resulting);
            }
            else
            {
                stateMachine.ApplyEntry(entry);
            }
        }

        foreach (var readState in ready.ReadStates)
        {
            var id = BinaryPrimitives.ReadUInt64BigEndian(readState.RequestContext.Span);
            if (pendingReads.Remove(id, out var read))
            {
                readsAwaitingApply.Add((readState.Index, read));
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
        var applied = stateMachine.AppliedIndex;
        for (var i = readsAwaitingApply.Count - 1; i >= 0; i--)
        {
            if (readsAwaitingApply[i].Index <= applied)
            {
                readsAwaitingApply[i].Read.Completion.TrySetResult(readsAwaitingApply[i].Index);
                readsAwaitingApply.RemoveAt(i);
            }
        }
    }

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
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (thread.IsAlive)
        {
            await stopped.Task.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    private sealed record PendingRead(TaskCompletionSource<ulong> Completion);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Critical, Message = "Raft drive loop stopped: the node will not serve until restarted")]
    private static partial void LogFault(ILogger logger, Exception exception);
}
