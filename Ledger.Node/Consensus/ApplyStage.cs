using Ledger.Consensus;
using Prometheus;

namespace Ledger.Node.Consensus;

/// <summary>
/// Applies committed entries on a thread of its own, strictly in log order, so the drive loop keeps
/// ticking, sending and persisting while blocks are built. The drive loop hands items over in the
/// order Raft committed them (normal entries, conf change entries, snapshots); this stage applies
/// them one at a time in that order, so block contents are exactly what the synchronous loop made.
/// <para>
/// Bounded by <see cref="RaftDriverOptions.ApplyQueueEntriesMax"/> items and
/// <see cref="RaftDriverOptions.ApplyQueueBytesMax"/> bytes. New proposals wait (see
/// <see cref="WaitForRoomAsync"/>) once the backlog reaches half of either bound, so the full queue —
/// where <see cref="Enqueue"/> blocks the drive loop — is reached only by a follower whose disk cannot
/// keep up with the leader; blocking it then slows its acknowledgements, which is the backpressure
/// the leader needs.
/// </para>
/// </summary>
internal sealed class ApplyStage
{
    private readonly IReplicatedStateMachine stateMachine;
    private readonly int entriesMax;
    private readonly long bytesMax;
    private readonly Action progressed;
    private readonly Action<ulong, ulong>? entryApplied;
    private readonly object gate = new();
    private readonly Queue<(ApplyWork Work, long EnqueuedAt)> queue;
    private readonly TimeProvider timeProvider;
    private readonly Histogram queueWait;
    private readonly bool raisePriority;
    private readonly Thread thread;
    private long queuedBytes;
    private bool stopping;
    private TaskCompletionSource? room;
    private readonly List<(ulong Index, TaskCompletionSource Applied)> appliedWaiters = [];
    private volatile Exception? fault;
    private long appliedIndex;

    /// <param name="progressed">Called on the apply thread after each item, so the drive loop can answer reads that waited for it.</param>
    /// <param name="entryApplied">Called on the apply thread with the index and term of each applied entry.</param>
    /// <param name="queueWait">Observes how long each item waited in the queue before its apply began.</param>
    public ApplyStage(IReplicatedStateMachine stateMachine, RaftDriverOptions options, string name, Action progressed, Action<ulong, ulong>? entryApplied, TimeProvider timeProvider, Histogram queueWait)
    {
        this.timeProvider = timeProvider;
        this.queueWait = queueWait;
        raisePriority = options.RaisePriority;
        this.stateMachine = stateMachine;
        entriesMax = options.ApplyQueueEntriesMax;
        bytesMax = options.ApplyQueueBytesMax;
        this.progressed = progressed;
        this.entryApplied = entryApplied;
        queue = new Queue<(ApplyWork, long)>(Math.Min(entriesMax, 1_024));
        appliedIndex = (long)stateMachine.AppliedIndex;
        thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>The state machine's applied index as of the last item this stage finished; safe from any thread.</summary>
    public ulong AppliedIndex => (ulong)Interlocked.Read(ref appliedIndex);

    /// <summary>Set when applying failed; the node must stop (its state no longer follows the log).</summary>
    public Exception? Fault => fault;

    /// <summary>Items handed over and not yet applied (the one being applied included).</summary>
    public int Backlog
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public void Start() => thread.Start();

    /// <summary>
    /// Hands one item over, in log order. Blocks while the queue is at its bound; throws
    /// <see cref="DriverStoppedException"/> when the stage stopped or faulted meanwhile.
    /// </summary>
    public void Enqueue(in ApplyWork work)
    {
        var size = work.SizeBytes;
        lock (gate)
        {
            // An item larger than the byte bound still goes through when the queue is empty: it must be applied.
            while (!stopping && fault is null && (queue.Count >= entriesMax || (queue.Count > 0 && queuedBytes + size > bytesMax)))
            {
                Monitor.Wait(gate, TimeSpan.FromMilliseconds(100));
            }

            if (stopping || fault is not null)
            {
                throw new DriverStoppedException(fault);
            }

            queue.Enqueue((work, timeProvider.GetTimestamp()));
            queuedBytes += size;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Completes once the backlog is under half of its bounds (at once when it already is).</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (fault is not null || stopping)
            {
                return Task.FromException(new DriverStoppedException(fault));
            }

            if (!AboveHighWater())
            {
                return Task.CompletedTask;
            }

            room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return room.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waiters for an applied index at once (the batcher needs one); beyond it callers are refused.</summary>
    public const int AppliedWaitersMax = 64;

    /// <summary>Completes once the state machine has applied <paramref name="index"/> (at once when it has).</summary>
    public Task WaitForAppliedAsync(ulong index, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (AppliedIndex >= index)
            {
                return Task.CompletedTask;
            }

            if (fault is not null || stopping)
            {
                return Task.FromException(new DriverStoppedException(fault));
            }

            if (appliedWaiters.Count >= AppliedWaitersMax)
            {
                return Task.FromException(new DriverBusyException($"{AppliedWaitersMax} callers already wait for an applied index"));
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            appliedWaiters.Add((index, waiter));
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops after the item being applied; items still queued are applied again after restart (from the Raft log).</summary>
    public void Stop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
            ReleaseRoom(new DriverStoppedException(fault));
            ReleaseAppliedWaiters(new DriverStoppedException(fault));
        }

        if (thread.IsAlive && Thread.CurrentThread != thread)
        {
            thread.Join();
        }
    }

    private bool AboveHighWater() => queue.Count >= entriesMax / 2 || queuedBytes >= bytesMax / 2;

    private void Run()
    {
        // Applying is the one serial step every transaction passes on every node: when the machine is
        // busy it must win the CPU over request threads (signature checks), which only queue up meanwhile.
        if (raisePriority)
        {
            ThreadPriorityBoost.TryRaiseCurrentThread();
        }

        try
        {
            while (true)
            {
                ApplyWork work;
                long enqueuedAt;
                lock (gate)
                {
                    while (queue.Count == 0 && !stopping)
                    {
                        Monitor.Wait(gate);
                    }

                    if (stopping)
                    {
                        return;
                    }

                    // Peek, not dequeue: the item counts against the bound until it is applied.
                    (work, enqueuedAt) = queue.Peek();
                }

                queueWait.Observe(timeProvider.GetElapsedTime(enqueuedAt).TotalSeconds);
                Apply(work);
                lock (gate)
                {
                    queue.Dequeue();
                    queuedBytes -= work.SizeBytes;
                    Monitor.PulseAll(gate);
                    if (room is not null && !AboveHighWater())
                    {
                        ReleaseRoom(null);
                    }

                    ReleaseAppliedWaiters(null);
                }

                progressed();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (gate)
            {
                fault = ex;
                Monitor.PulseAll(gate);
                ReleaseRoom(new DriverStoppedException(ex));
                ReleaseAppliedWaiters(new DriverStoppedException(ex));
            }

            progressed();
        }
    }

    private void Apply(in ApplyWork work)
    {
        switch (work.Kind)
        {
            case ApplyWorkKind.Snapshot:
                stateMachine.RestoreSnapshot(work.Snapshot!);
                break;
            case ApplyWorkKind.ConfChange:
                if (work.Entry!.Index > stateMachine.AppliedIndex)
                {
                    stateMachine.ApplyConfChangeEntry(work.Entry, work.Change, work.Resulting!);
                }

                entryApplied?.Invoke(work.Entry.Index, work.Entry.Term);
                break;
            case ApplyWorkKind.Entry:
                if (work.Entry!.Index > stateMachine.AppliedIndex)
                {
                    stateMachine.ApplyEntry(work.Entry);
                }

                entryApplied?.Invoke(work.Entry.Index, work.Entry.Term);
                break;
            default:
                throw new InvalidOperationException($"unknown apply work {work.Kind}");
        }

        var applied = stateMachine.AppliedIndex;
        if (applied < work.Index && work.Kind != ApplyWorkKind.Snapshot)
        {
            throw new InvalidOperationException($"the state machine's applied index {applied} did not reach entry {work.Index} after applying it");
        }

        Interlocked.Exchange(ref appliedIndex, (long)applied);
    }

    private void ReleaseAppliedWaiters(Exception? error)
    {
        if (appliedWaiters.Count == 0)
        {
            return;
        }

        var applied = AppliedIndex;
        for (var i = appliedWaiters.Count - 1; i >= 0; i--)
        {
            var (index, waiter) = appliedWaiters[i];
            if (error is not null)
            {
                waiter.TrySetException(error);
            }
            else if (index <= applied)
            {
                waiter.TrySetResult();
            }
            else
            {
                continue;
            }

            appliedWaiters.RemoveAt(i);
        }
    }

    private void ReleaseRoom(Exception? error)
    {
        var waiting = room;
        room = null;
        if (waiting is null)
        {
            return;
        }

        if (error is null)
        {
            waiting.TrySetResult();
        }
        else
        {
            waiting.TrySetException(error);
        }
    }
}
