using System.Collections.Concurrent;
using System.Diagnostics;
using Ledger.Node.Consensus;

namespace Ledger.Node.Tracing;

/// <summary>
/// The spans of this leader's batches between the threads that see them through: the batcher starts
/// <c>ledger.batch</c> and <c>ledger.propose</c> (<see cref="Start"/>); the Raft loop marks the append
/// (<see cref="Appended"/>, from the <see cref="ProposalTicket"/>'s callback, before any commit of that
/// entry can be reported) and the commit (<see cref="OnCommitted"/>); the apply thread ends the batch when
/// its entry is applied (<see cref="OnApplied"/>). Each stage happens after the previous one on another
/// thread, handed over through the loop's queues, so a batch's state needs no lock of its own.
/// <para>
/// Bounded: at most <see cref="InFlightMax"/> batches are tracked between append and apply; beyond it a
/// batch's span ends at its append (tagged <c>ledger.trace.truncated</c>). An entry applied with another
/// term than the one this leader appended it at was overwritten: its spans end with an error status.
/// Costs nothing when no listener is attached: <see cref="Start"/> returns null, and nothing is tracked.
/// </para>
/// </summary>
public sealed class BatchTraces(string nodeId)
{
    /// <summary>Batches tracked at once between their append and their apply.</summary>
    public const int InFlightMax = 1_024;

    private readonly ConcurrentDictionary<ulong, Traced> inFlight = new();
    private int inFlightCount;
    private ulong lastApplied;

    /// <summary>Batches now tracked between append and apply.</summary>
    public int InFlightCount => Volatile.Read(ref inFlightCount);

    /// <summary>
    /// Starts a batch's spans, linked to its submissions' spans (<paramref name="contextOf"/>); null when nobody
    /// listens. Call on the thread that proposes the batch.
    /// </summary>
    public Traced? Start<T>(IReadOnlyList<T> transactions, Func<T, ActivityContext> contextOf)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (!NodeTracing.Source.HasListeners())
        {
            return null;
        }

        var links = NodeTracing.LinksTo(transactions, contextOf, out var dropped);
        var batch = NodeTracing.StartDetached(NodeTracing.BatchSpan, default, ActivityKind.Internal, links);
        if (batch is null)
        {
            return null;
        }

        batch.SetTag(NodeTracing.NodeTag, nodeId);
        batch.SetTag(NodeTracing.TransactionsTag, transactions.Count);
        if (dropped > 0)
        {
            batch.SetTag(NodeTracing.LinksDroppedTag, dropped);
        }

        return new Traced(batch, NodeTracing.StartDetached(NodeTracing.ProposeSpan, batch.Context));
    }

    /// <summary>The batch never reached the log (refused, node stopping): its spans end with <paramref name="reason"/>.</summary>
    public static void Dropped(Traced? traced, string reason)
    {
        if (traced is null)
        {
            return;
        }

        NodeTracing.StopDetached(traced.Phase, reason);
        traced.Phase = null;
        NodeTracing.StopDetached(traced.Batch, reason);
    }

    /// <summary>The batch was appended to this leader's log at <paramref name="ticket"/>'s index and term (Raft loop thread).</summary>
    public void Appended(Traced? traced, ProposalTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (traced is null)
        {
            return;
        }

        traced.Batch.SetTag(NodeTracing.RaftIndexTag, ticket.Index);
        traced.Batch.SetTag(NodeTracing.RaftTermTag, ticket.Term);
        traced.Term = ticket.Term;
        NodeTracing.StopDetached(traced.Phase);
        traced.Phase = null;
        if (Volatile.Read(ref inFlightCount) >= InFlightMax)
        {
            DropApplied();
        }

        if (Interlocked.Increment(ref inFlightCount) > InFlightMax || !inFlight.TryAdd(ticket.Index, traced))
        {
            Interlocked.Decrement(ref inFlightCount);
            traced.Batch.SetTag("ledger.trace.truncated", true);
            NodeTracing.StopDetached(traced.Batch);
            return;
        }

        traced.Phase = NodeTracing.StartDetached(NodeTracing.CommitSpan, traced.Batch.Context);
    }

    /// <summary>Entries <paramref name="firstIndex"/>..<paramref name="lastIndex"/> were committed (Raft loop thread, before they are handed to apply).</summary>
    public void OnCommitted(ulong firstIndex, ulong lastIndex)
    {
        var tracked = Volatile.Read(ref inFlightCount);
        if (tracked == 0 || lastIndex < firstIndex)
        {
            return;
        }

        if (lastIndex - firstIndex < (ulong)tracked)
        {
            // The usual case: a few entries per commit, each looked up.
            for (var index = firstIndex; index <= lastIndex; index++)
            {
                if (inFlight.TryGetValue(index, out var traced))
                {
                    Committed(traced);
                }
            }

            return;
        }

        foreach (var (index, traced) in inFlight)
        {
            if (index >= firstIndex && index <= lastIndex)
            {
                Committed(traced);
            }
        }
    }

    /// <summary>The entry at <paramref name="index"/> with <paramref name="term"/> was applied (apply thread): its batch's spans end.</summary>
    public void OnApplied(ulong index, ulong term)
    {
        if (Volatile.Read(ref inFlightCount) > 0 && inFlight.TryRemove(index, out var traced))
        {
            Interlocked.Decrement(ref inFlightCount);
            var error = traced.Term == term ? null : $"the entry at index {index} was overwritten by a later leader (appended in term {traced.Term}, applied from term {term})";
            NodeTracing.StopDetached(traced.Phase, error);
            traced.Phase = null;
            NodeTracing.StopDetached(traced.Batch, error);
        }

        // After the removal above: what DropApplied may sweep is only what this thread is done with.
        Volatile.Write(ref lastApplied, index);
    }

    private static void Committed(Traced traced)
    {
        if (traced.Phase?.OperationName != NodeTracing.CommitSpan)
        {
            return;
        }

        NodeTracing.StopDetached(traced.Phase);
        traced.Phase = NodeTracing.StartDetached(NodeTracing.ApplySpan, traced.Batch.Context);
    }

    /// <summary>
    /// Ends the spans of tracked batches at or below the applied index: entries this node will never apply
    /// one by one (a snapshot installed over them after it lost leadership). Runs only when the map is full.
    /// </summary>
    private void DropApplied()
    {
        var applied = Volatile.Read(ref lastApplied);
        foreach (var (index, _) in inFlight)
        {
            if (index <= applied && inFlight.TryRemove(index, out var stale))
            {
                Interlocked.Decrement(ref inFlightCount);
                var reason = $"the entry at index {index} was not applied on this node (replaced by a snapshot)";
                NodeTracing.StopDetached(stale.Phase, reason);
                stale.Phase = null;
                NodeTracing.StopDetached(stale.Batch, reason);
            }
        }
    }

    /// <summary>One batch's spans: the batch, and the stage it is in now (propose, commit or apply).</summary>
    public sealed class Traced(Activity batch, Activity? phase)
    {
        public Activity Batch { get; } = batch;

        internal Activity? Phase { get; set; } = phase;

        internal ulong Term { get; set; }
    }
}
