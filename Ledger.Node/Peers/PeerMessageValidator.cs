using Ledger.Consensus;

namespace Ledger.Node.Peers;

/// <summary>
/// The peer boundary of Raft: every message a peer sends is checked here before it reaches
/// <c>RaftNode.Step</c>. Pure: the verdict depends only on the message, this node's
/// <see cref="LocalRaftView"/>, the bounds and the injected entry checks.
/// <para>
/// The checks run as a pipeline, first failure wins: (1) the kind may come from a peer at all
/// (proposals, leadership transfers and local kinds never do: peers forward submissions through
/// <c>Forward</c> and the door); (2) fields the kind never carries are absent; (3) term sanity;
/// (4) the kind is allowed from this sender in this node's role (a leader's messages only from the
/// leader of that term as far as this node knows, votes only from voters, responses only where they
/// answer something); (5) the kind's own shape (App entries contiguous from index + 1 with sane
/// terms, within the size bounds, decodable conf changes; contexts of the exact length; indexes
/// within what this node holds); (6) acknowledged-watermark claims are possible at all (see
/// <see cref="CheckWatermarks"/>); (7) for App, each entry through the <see cref="IAppendEntryCheck"/>s.
/// </para>
/// Raft's own term rules still apply afterwards (a stale message is answered or ignored by the core).
/// </summary>
public static class PeerMessageValidator
{
    public static PeerFrameRefusal Check(Message message, in LocalRaftView view, PeerMessageBounds bounds, IReadOnlyList<IAppendEntryCheck>? entryChecks = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(bounds);
        var refusal = CheckKind(message);
        if (refusal == PeerFrameRefusal.None)
        {
            refusal = CheckNoForeignFields(message);
        }

        if (refusal == PeerFrameRefusal.None)
        {
            refusal = CheckTerm(message);
        }

        if (refusal == PeerFrameRefusal.None)
        {
            refusal = CheckSenderAndRole(message, view);
        }

        if (refusal == PeerFrameRefusal.None)
        {
            refusal = CheckShape(message, view, bounds);
        }

        if (refusal == PeerFrameRefusal.None)
        {
            refusal = CheckWatermarks(message);
        }

        if (refusal == PeerFrameRefusal.None && message.Type == MessageType.App && entryChecks is { Count: > 0 })
        {
            refusal = CheckEntries(message, entryChecks);
        }

        return refusal;
    }

    /// <summary>
    /// A heartbeat may carry a commit index this node does not hold when its data directory was wiped
    /// and it rejoined under the same id (the leader still remembers its old match). Raft treats that
    /// as a lost log and stops; dropping the commit advance instead (never unsafe: it only commits less)
    /// lets the node answer, so the leader finds it behind its compacted log and sends a snapshot.
    /// </summary>
    public static Message WithoutUnheldCommit(Message message, ulong lastIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Type != MessageType.Heartbeat || message.Commit <= lastIndex)
        {
            return message;
        }

        return new Message
        {
            Type = message.Type,
            To = message.To,
            From = message.From,
            Term = message.Term,
            LogTerm = message.LogTerm,
            Index = message.Index,
            Entries = message.Entries,
            Commit = 0,
            Reject = message.Reject,
            RejectHintIndex = message.RejectHintIndex,
            RejectHintTerm = message.RejectHintTerm,
            Context = message.Context,
            Incarnation = message.Incarnation,
            Recovering = message.Recovering,
            AckedWatermark = message.AckedWatermark,
            VotersHeardIncarnation = message.VotersHeardIncarnation,
            Watermarks = message.Watermarks,
        };
    }

    private static PeerFrameRefusal CheckKind(Message message) => message.Type switch
    {
        MessageType.Prop => ProposalRefusal(message),
        MessageType.TransferLeader => PeerFrameRefusal.LeadershipTransferFromPeer,
        MessageType.Snap => PeerFrameRefusal.SnapshotOutsideInstall,
        MessageType.Hup or MessageType.Beat or MessageType.Unreachable or MessageType.SnapStatus or MessageType.CheckQuorum => PeerFrameRefusal.LocalOnlyType,
        MessageType.App or MessageType.AppResp or MessageType.Vote or MessageType.VoteResp or MessageType.Heartbeat or MessageType.HeartbeatResp
            or MessageType.TimeoutNow or MessageType.ReadIndex or MessageType.ReadIndexResp or MessageType.PreVote or MessageType.PreVoteResp => PeerFrameRefusal.None,
        _ => PeerFrameRefusal.LocalOnlyType,
    };

    private static PeerFrameRefusal ProposalRefusal(Message message)
    {
        foreach (var entry in message.Entries)
        {
            if (entry.Type == EntryType.ConfChange)
            {
                return PeerFrameRefusal.MembershipChangeFromPeer;
            }
        }

        return PeerFrameRefusal.ProposalFromPeer;
    }

    private static PeerFrameRefusal CheckNoForeignFields(Message message)
    {
        if (message.Snapshot is not null)
        {
            return PeerFrameRefusal.UnexpectedField;
        }

        if (message.Type != MessageType.App && !message.Entries.IsEmpty)
        {
            return PeerFrameRefusal.UnexpectedField;
        }

        if (message.Type is not (MessageType.App or MessageType.Heartbeat) && !message.Watermarks.IsEmpty)
        {
            return PeerFrameRefusal.UnexpectedField;
        }

        return message.Type is not (MessageType.Vote or MessageType.PreVote or MessageType.VoteResp or MessageType.PreVoteResp) && !message.AckedWatermark.IsNone
            ? PeerFrameRefusal.UnexpectedField
            : PeerFrameRefusal.None;
    }

    private static PeerFrameRefusal CheckTerm(Message message)
    {
        if (message.Term > PeerMessageBounds.TermMax || message.LogTerm > PeerMessageBounds.TermMax)
        {
            return PeerFrameRefusal.TermOutOfRange;
        }

        // Only a ReadIndex request travels without a term (a follower relays it as the core builds it).
        if (message.Term == 0 && message.Type != MessageType.ReadIndex)
        {
            return PeerFrameRefusal.TermOutOfRange;
        }

        return PeerFrameRefusal.None;
    }

    /// <summary>
    /// Acknowledged watermarks are claims about what a node acknowledged, and the receiver cannot check them (they
    /// exist to tell a node what its own disk forgot), so the core lets them bind only while re-asserted and clips them
    /// to a legitimate leader's log. Here, once, the claims no honest node can make: more than
    /// <see cref="PeerMessageBounds.WatermarksMax"/> of them; a position of a term beyond the message's (an entry is
    /// acknowledged only after its leader's term began, and the sender had adopted that term to hear of it); and, in a
    /// vote or pre-vote request, a position not below the candidate's term (a candidate gathered its table from
    /// leaders of earlier terms: no leader has written in the term it campaigns for, a pre-vote's term is the
    /// candidate's next one).
    /// </summary>
    private static PeerFrameRefusal CheckWatermarks(Message message)
    {
        if (message.Watermarks.Count > PeerMessageBounds.WatermarksMax)
        {
            return PeerFrameRefusal.WatermarkImpossible;
        }

        foreach (var watermark in message.Watermarks.Items)
        {
            if (watermark.Position.Term > message.Term)
            {
                return PeerFrameRefusal.WatermarkImpossible;
            }
        }

        if (message.AckedWatermark.IsNone)
        {
            return PeerFrameRefusal.None;
        }

        var isRequest = message.Type is MessageType.Vote or MessageType.PreVote;
        var impossible = isRequest ? message.AckedWatermark.Term >= message.Term : message.AckedWatermark.Term > message.Term;
        return impossible ? PeerFrameRefusal.WatermarkImpossible : PeerFrameRefusal.None;
    }

    private static PeerFrameRefusal CheckSenderAndRole(Message message, in LocalRaftView view)
    {
        switch (message.Type)
        {
            case MessageType.App:
            case MessageType.Heartbeat:
                return LeaderOfItsTerm(message, view) ? PeerFrameRefusal.None : PeerFrameRefusal.NotFromLeader;
            case MessageType.TimeoutNow:
                // §3.10: only the current leader hands over leadership; never a node that merely claims a term.
                return view.Role == RaftRole.Follower && view.Leader != 0 && message.From == view.Leader && message.Term == view.Term
                    ? PeerFrameRefusal.None
                    : PeerFrameRefusal.NotFromLeader;
            case MessageType.ReadIndexResp:
                return view.Role == RaftRole.Follower && view.Leader != 0 && message.From == view.Leader && message.Term == view.Term
                    ? PeerFrameRefusal.None
                    : PeerFrameRefusal.NotFromLeader;
            case MessageType.Vote:
            case MessageType.PreVote:
                return view.Membership.IsVoter(message.From) ? PeerFrameRefusal.None : PeerFrameRefusal.SenderNotVoter;
            case MessageType.VoteResp:
                return view.Role == RaftRole.Candidate && view.Membership.Contains(message.From) ? PeerFrameRefusal.None : PeerFrameRefusal.StaleForRole;
            case MessageType.PreVoteResp:
                return view.Role == RaftRole.PreCandidate && view.Membership.Contains(message.From) ? PeerFrameRefusal.None : PeerFrameRefusal.StaleForRole;
            case MessageType.AppResp:
            case MessageType.HeartbeatResp:
                return view.Role == RaftRole.Leader && view.Membership.Contains(message.From) ? PeerFrameRefusal.None : PeerFrameRefusal.StaleForRole;
            case MessageType.ReadIndex:
                // Only a leader serves reads; a follower relaying a peer's read would act for it.
                return view.Role == RaftRole.Leader && view.Membership.Contains(message.From) && message.Term <= view.Term
                    ? PeerFrameRefusal.None
                    : PeerFrameRefusal.StaleForRole;
            default:
                return PeerFrameRefusal.LocalOnlyType;
        }
    }

    /// <summary>
    /// A newer term may bring a leader this node has not heard of (Raft learns leaders that way); in this
    /// node's own term only the leader it knows may send, and never to a node that leads that term itself.
    /// An older term is let through: the core answers it so a stale leader learns the new term.
    /// </summary>
    private static bool LeaderOfItsTerm(Message message, in LocalRaftView view)
    {
        if (message.Term != view.Term)
        {
            return true;
        }

        if (view.Role == RaftRole.Leader)
        {
            return false;
        }

        return view.Leader == 0 || view.Leader == message.From;
    }

    private static PeerFrameRefusal CheckShape(Message message, in LocalRaftView view, PeerMessageBounds bounds)
    {
        switch (message.Type)
        {
            case MessageType.App:
                return message.Context.IsEmpty ? CheckAppend(message, bounds) : PeerFrameRefusal.ContextInvalid;
            case MessageType.Heartbeat when message.LogTerm > message.Term:
                // A heartbeat names the leader's last log position: never of a term beyond its own.
                return PeerFrameRefusal.EntryTermInvalid;
            case MessageType.Heartbeat:
            case MessageType.HeartbeatResp:
                return message.Context.IsEmpty || message.Context.Length == MessageContexts.ReadRoundTagBytes ? PeerFrameRefusal.None : PeerFrameRefusal.ContextInvalid;
            case MessageType.ReadIndex:
            case MessageType.ReadIndexResp:
                return message.Context.Length == PeerMessageBounds.ReadIndexContextBytes ? PeerFrameRefusal.None : PeerFrameRefusal.ContextInvalid;
            case MessageType.Vote:
            case MessageType.PreVote:
                if (!message.Context.IsEmpty && !message.Context.Span.SequenceEqual(MessageContexts.CampaignTransfer))
                {
                    return PeerFrameRefusal.ContextInvalid;
                }

                return message.LogTerm <= message.Term ? PeerFrameRefusal.None : PeerFrameRefusal.EntryTermInvalid;
            case MessageType.AppResp:
                return CheckAppendResponse(message, view);
            default:
                return message.Context.IsEmpty ? PeerFrameRefusal.None : PeerFrameRefusal.ContextInvalid;
        }
    }

    private static PeerFrameRefusal CheckAppend(Message message, PeerMessageBounds bounds)
    {
        if (message.LogTerm > message.Term)
        {
            return PeerFrameRefusal.EntryTermInvalid;
        }

        var entries = message.Entries.Span;
        if (entries.Length > bounds.EntriesPerAppendMax)
        {
            return PeerFrameRefusal.TooManyEntries;
        }

        if (message.Index > ulong.MaxValue - (ulong)entries.Length)
        {
            return PeerFrameRefusal.IndexOutOfRange;
        }

        long bytes = 0;
        var previousTerm = message.LogTerm;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.Index != message.Index + 1 + (ulong)i)
            {
                return PeerFrameRefusal.EntriesNotContiguous;
            }

            if (entry.Term == 0 || entry.Term < previousTerm || entry.Term > message.Term)
            {
                return PeerFrameRefusal.EntryTermInvalid;
            }

            previousTerm = entry.Term;
            bytes += entry.Data.Length;
            if (bytes > bounds.EntryBytesPerAppendMax)
            {
                return PeerFrameRefusal.EntriesTooLarge;
            }

            if (entry.Type == EntryType.ConfChange && !IsDecodableConfChange(entry.Data))
            {
                return PeerFrameRefusal.ConfChangeUndecodable;
            }
        }

        return PeerFrameRefusal.None;
    }

    private static PeerFrameRefusal CheckAppendResponse(Message message, in LocalRaftView view)
    {
        if (!message.Context.IsEmpty)
        {
            return PeerFrameRefusal.ContextInvalid;
        }

        if (message.Term > view.Term)
        {
            // Tells a stale leader of a newer term: the core steps down and reads nothing else.
            return PeerFrameRefusal.None;
        }

        if (!message.Reject)
        {
            // A follower cannot hold more than this leader ever sent: matching beyond it would commit unseen entries.
            return message.Index <= view.LastIndex ? PeerFrameRefusal.None : PeerFrameRefusal.IndexOutOfRange;
        }

        // A rejection names the index of an append this leader sent, so one within its log; the hint lies below it.
        if (message.Index > view.LastIndex || message.RejectHintIndex > message.Index || message.RejectHintTerm > message.Term)
        {
            return PeerFrameRefusal.IndexOutOfRange;
        }

        return PeerFrameRefusal.None;
    }

    private static PeerFrameRefusal CheckEntries(Message message, IReadOnlyList<IAppendEntryCheck> entryChecks)
    {
        foreach (var entry in message.Entries)
        {
            foreach (var check in entryChecks)
            {
                if (check.Check(entry) is not null)
                {
                    return PeerFrameRefusal.EntryRefused;
                }
            }
        }

        return PeerFrameRefusal.None;
    }

    private static bool IsDecodableConfChange(ReadOnlyMemory<byte> data)
    {
        try
        {
            ConfChange.Decode(data);
            return data.Length <= ConfChange.ContextBytesMax + 1 + sizeof(ulong);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
