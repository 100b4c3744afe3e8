namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Term bookkeeping common to every role (dissertation §3.3), then the role's handler.</summary>
    private void StepInternal(Message m)
    {
        StepByTermAndRole(m);
        if (m.From != Id && m.Term != 0 && m.Term >= term && m.Type is MessageType.VoteResp or MessageType.PreVoteResp)
        {
            // A refusal Raft acted on (not stale) may say we forgot what we acknowledged.
            ObserveVoteClaim(m);
        }

        MaybeExitRecovery();
    }

    private void StepByTermAndRole(Message m)
    {
        if (m.Term == 0)
        {
            // Local message, or a forwarded proposal / read request which carries no term.
        }
        else if (m.Term > term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                var force = m.Context.Span.SequenceEqual(CampaignTransferContext);
                var inLease = config.CheckQuorum && leader != None && electionElapsed < config.ElectionTicks;
                if (!force && inLease)
                {
                    // §4.2.3 / §9.6: while we hear from a current leader, a vote request is from a
                    // disruptive server; ignore it without adopting its term.
                    return;
                }
            }

            if (m.Type == MessageType.PreVote)
            {
                // A pre-vote never changes our term.
            }
            else if (m.Type == MessageType.PreVoteResp && !m.Reject)
            {
                // Pre-vote requests carry a future term; a grant echoes it. We adopt the term only
                // once we really campaign.
            }
            else if (m.Type is MessageType.App or MessageType.Heartbeat or MessageType.Snap)
            {
                BecomeFollower(m.Term, m.From);
            }
            else
            {
                BecomeFollower(m.Term, None);
            }
        }
        else if (m.Term < term)
        {
            if ((config.CheckQuorum || config.PreVote) && m.Type is MessageType.Heartbeat or MessageType.App)
            {
                // A stale leader we ignore would never learn of the new term (we never campaign against
                // it with pre-vote / lease): tell it, so it steps down.
                Send(new Message { Type = MessageType.AppResp, To = m.From, From = Id, Term = term });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResp, To = m.From, From = Id, Term = term, Reject = true });
            }

            return;
        }

        switch (m.Type)
        {
            case MessageType.Hup:
                Hup(transfer: false);
                break;
            case MessageType.Vote:
            case MessageType.PreVote:
                HandleVoteRequest(m);
                break;
            default:
                stepHandler(m);
                break;
        }
    }

    /// <summary>§3.6.1 voting rule plus the pre-vote extension (§9.6).</summary>
    private void HandleVoteRequest(Message m)
    {
        ObserveVoteClaim(m);
        var responseType = m.Type == MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp;
        var canVote = vote == m.From
            || (vote == None && leader == None)
            || (m.Type == MessageType.PreVote && m.Term > term);
        var logOk = (config.Bugs & RaftBugs.VoteWithoutLogCheck) != 0 || log.IsUpToDate(m.Index, m.LogTerm);

        // The candidate claims a log behind what it is known to have acknowledged: it forgot entries; tell it.
        var candidateAcknowledged = TableIsWitness ? WatermarkFor(m.From) : LogPosition.None;
        var candidateForgot = !candidateAcknowledged.IsNone && new LogPosition(m.Index, m.LogTerm) < candidateAcknowledged;

        if (canVote && logOk && !candidateForgot && MayVoteWhileRecovering(new LogPosition(m.Index, m.LogTerm)))
        {
            // A granted pre-vote echoes the requested (future) term so the candidate counts it.
            Send(new Message { Type = responseType, To = m.From, From = Id, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                electionElapsed = 0;
                vote = m.From;
            }
        }
        else
        {
            Send(new Message
            {
                Type = responseType,
                To = m.From,
                From = Id,
                Term = term,
                Reject = true,
                AckedWatermark = candidateForgot ? candidateAcknowledged : LogPosition.None,
            });
        }
    }

    private void Hup(bool transfer)
    {
        if (role == RaftRole.Leader)
        {
            return;
        }

        if (!IsPromotable())
        {
            return;
        }

        if (HasUnappliedConfChange())
        {
            // §4.1: a node must not campaign before it applies a committed membership change, or it may
            // count votes against the wrong configuration.
            return;
        }

        if (transfer)
        {
            Campaign(CampaignKind.Transfer);
        }
        else if (config.PreVote)
        {
            Campaign(CampaignKind.PreElection);
        }
        else
        {
            Campaign(CampaignKind.Election);
        }
    }

    /// <summary>May this node campaign? Not a learner, not mid-snapshot, not recovering and bound by no peer's claim.</summary>
    private bool IsPromotable() =>
        tracker.TryGet(Id, out var self) && !self.IsLearner && log.Unstable.Snapshot is null && !IsBarredFromCampaigning;

    private bool HasUnappliedConfChange()
    {
        if (log.Committed <= log.Applied)
        {
            return false;
        }

        // Scan in pieces: a slice may stop early where entries move between storage and memory blocks.
        var low = Math.Max(log.Applied + 1, log.FirstIndex);
        while (low <= log.Committed)
        {
            EntrySlice pending;
            try
            {
                pending = log.Slice(low, log.Committed + 1, long.MaxValue, int.MaxValue);
            }
            catch (RaftLogCompactedException)
            {
                return false;
            }

            foreach (var entry in pending)
            {
                if (entry.Type == EntryType.ConfChange)
                {
                    return true;
                }
            }

            if (pending.IsEmpty)
            {
                RaftInvariantException.Throw($"Committed entries from {low} to {log.Committed} could not be read.");
            }

            low += (ulong)pending.Length;
        }

        return false;
    }

    private void Campaign(CampaignKind kind)
    {
        ulong campaignTerm;
        MessageType requestType;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            requestType = MessageType.PreVote;
            campaignTerm = term + 1;
        }
        else
        {
            BecomeCandidate();
            requestType = MessageType.Vote;
            campaignTerm = term;
        }

        tracker.RecordVote(Id, true);
        if (tracker.TallyVotes() == VoteResult.Won)
        {
            // Single-voter cluster: we won on our own vote.
            if (kind == CampaignKind.PreElection)
            {
                Campaign(CampaignKind.Election);
            }
            else
            {
                BecomeLeader();
            }

            return;
        }

        var lastIndex = log.LastIndex;
        var lastTerm = log.LastTerm;
        ReadOnlyMemory<byte> context = kind == CampaignKind.Transfer ? CampaignTransferContext : ReadOnlyMemory<byte>.Empty;
        foreach (var id in tracker.Voters)
        {
            if (id == Id)
            {
                continue;
            }

            Send(new Message
            {
                Type = requestType,
                To = id,
                From = Id,
                Term = campaignTerm,
                Index = lastIndex,
                LogTerm = lastTerm,
                Context = context,
                AckedWatermark = WatermarkFor(id),
            });
        }
    }

    private enum CampaignKind
    {
        PreElection,
        Election,
        Transfer,
    }
}
