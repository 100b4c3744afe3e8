using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Node.Applying;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Ledger.Node.Peers;

/// <summary>
/// A follower's check of the leader's stamps before it acknowledges them, so a stamp no honest node
/// finds plausible never commits: under the rule that block time strictly increases, one committed
/// forward-dated block would drag every later block's time with it (see docs/threat-model.md, "Time").
/// An <c>App</c> from the leader is delivered to Raft only when none of its entries is stamped further
/// ahead of this node's clock than the genesis bound, and every entry of the leader's own term names
/// the sender as proposer (only a term's leader creates entries of its term). Stamps in the past are
/// not judged here: a node catching up receives old entries legitimately (attestation judges them).
/// <para>
/// A leader whose entries are refused is then not heard from at all for the rest of its term (its
/// heartbeats are dropped too): the followers stop acknowledging it, it steps down when it loses its
/// quorum (check-quorum), and a leader with a plausible clock is elected. Refusals are counted
/// (<c>ledger_block_time_refusals_total{where="append"}</c>) and logged once per leader and term.
/// </para>
/// </summary>
public sealed partial class EntryTimeCheck
{
    private readonly TimeProvider clock;
    private readonly uint skewMilliseconds;
    private readonly Counter.Child? refusals;
    private readonly ILogger logger;

    // The leader (Raft id and term) whose entries this node refused; null when none. Replaced whole, read lock-free.
    private volatile Shunned? shunned;

    // The last proposer id seen and its Raft id: hashing the id once per leader, not per entry.
    private volatile ProposerId? lastProposer;

    public EntryTimeCheck(TimeProvider clock, uint skewMilliseconds, Counter.Child? refusals, ILogger logger)
    {
        this.clock = clock;
        this.skewMilliseconds = skewMilliseconds;
        this.refusals = refusals;
        this.logger = logger;
    }

    /// <summary>Why the last refused message was refused (null when none yet): for status and tests.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>True when <paramref name="message"/>, from an authenticated peer, may reach Raft; false to drop it unacknowledged.</summary>
    public bool Admits(Message message)
    {
        if (message.Type is not (MessageType.App or MessageType.Heartbeat))
        {
            return true;
        }

        if (shunned is { } refused && refused.Leader == message.From && refused.Term == message.Term)
        {
            refusals?.Inc();
            return false;
        }

        if (message.Type != MessageType.App)
        {
            return true;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in message.Entries)
        {
            if (entry.Type != EntryType.Normal || entry.Data.IsEmpty || !EntryStamp.TryRead(entry.Data.Span, out var stamp))
            {
                // The no-op, a membership change, or data that is no batch: nothing stamped to judge here.
                continue;
            }

            string? problem = null;
            if (BlockTimeBound.IsAhead(stamp.TimestampUnixMs, now, skewMilliseconds))
            {
                problem = $"entry {entry.Index} is stamped {stamp.TimestampUnixMs - now} ms ahead of this node's clock (bound {BlockTimeBound.Describe(skewMilliseconds)})";
            }
            else if (entry.Term == message.Term && RaftIdOf(stamp.ProposerNodeId) != message.From)
            {
                problem = $"entry {entry.Index} of term {entry.Term} names a proposer other than the term's leader (the sender)";
            }

            if (problem is not null)
            {
                Refuse(message, problem);
                return false;
            }
        }

        return true;
    }

    private void Refuse(Message message, string problem)
    {
        refusals?.Inc();
        LastRefusal = problem;
        if (shunned is not { } previous || previous.Leader != message.From || previous.Term != message.Term)
        {
            shunned = new Shunned(message.From, message.Term);
            LogRefused(logger, message.From, message.Term, problem);
        }
    }

    private ulong RaftIdOf(string proposerNodeId)
    {
        if (!ConsortiumGenesis.IsValidIdentifier(proposerNodeId))
        {
            return 0;
        }

        if (lastProposer is { } known && string.Equals(known.NodeId, proposerNodeId, StringComparison.Ordinal))
        {
            return known.RaftId;
        }

        var raftId = RaftNodeIds.Of(proposerNodeId);
        lastProposer = new ProposerId(proposerNodeId, raftId);
        return raftId;
    }

    private sealed record Shunned(ulong Leader, ulong Term);

    private sealed record ProposerId(string NodeId, ulong RaftId);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Leader {Leader} (term {Term}): {Problem}; its entries are not acknowledged and it is not followed for the rest of the term")]
    private static partial void LogRefused(ILogger logger, ulong leader, ulong term, string problem);
}
