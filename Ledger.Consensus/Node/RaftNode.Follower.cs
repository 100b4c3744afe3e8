namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Prop:
                if (leader != None && !config.DisableProposalForwarding)
                {
                    Send(new Message { Type = MessageType.Prop, To = leader, From = m.From == None ? Id : m.From, Entries = m.Entries });
                }

                break;
            case MessageType.App:
                electionElapsed = 0;
                leader = m.From;
                HandleAppendEntries(m);
                break;
            case MessageType.Heartbeat:
                electionElapsed = 0;
                leader = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snap:
                electionElapsed = 0;
                leader = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.TransferLeader:
                if (leader != None)
                {
                    // From stays the transfer target, as the leader expects.
                    Send(new Message { Type = MessageType.TransferLeader, To = leader, From = m.From });
                }

                break;
            case MessageType.TimeoutNow:
                // §3.10: the leader chose us; campaign at once, skipping pre-vote and the peers' lease.
                Hup(transfer: true);
                break;
            case MessageType.ReadIndex:
                if (leader != None)
                {
                    // Keep the requester so the leader answers it, not us.
                    Send(new Message { Type = MessageType.ReadIndex, To = leader, From = m.From, Context = m.Context });
                }

                break;
            case MessageType.ReadIndexResp:
                readStates.Add(new ReadState(m.Index, m.Context));
                break;
            default:
                break;
        }
    }

    private void StepCandidate(Message m)
    {
        var voteResponseType = role == RaftRole.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
        if (m.Type == voteResponseType)
        {
            tracker.RecordVote(m.From, !m.Reject);
            switch (tracker.TallyVotes())
            {
                case VoteResult.Won:
                    if (role == RaftRole.PreCandidate)
                    {
                        Campaign(CampaignKind.Election);
                    }
                    else
                    {
                        BecomeLeader();
                    }

                    break;
                case VoteResult.Lost:
                    // A pre-candidate that lost keeps its term; a candidate already advanced it.
                    BecomeFollower(term, None);
                    break;
                default:
                    break;
            }

            return;
        }

        switch (m.Type)
        {
            case MessageType.App:
                BecomeFollower(m.Term, m.From);
                HandleAppendEntries(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snap:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            default:
                // Proposals and reads are dropped: there is no leader yet.
                break;
        }
    }

    /// <summary>§3.5 AppendEntries receiver, with the conflict hint of §5.3 on rejection.</summary>
    private void HandleAppendEntries(Message m)
    {
        AppendEntries(m);
        ObserveLeaderContact(m);
        ObserveVotersHeard(m);
        ObserveLeaderWatermarks(m);
    }

    private void AppendEntries(Message m)
    {
        if (m.Index < log.Committed)
        {
            // Everything up to our commit index is settled; tell the leader where we are.
            Send(new Message { Type = MessageType.AppResp, To = m.From, From = Id, Term = term, Index = log.Committed });
            return;
        }

        if (log.TryAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var lastNewIndex))
        {
            leaderVerifiedIndex = Math.Max(leaderVerifiedIndex, lastNewIndex);
            Send(new Message { Type = MessageType.AppResp, To = m.From, From = Id, Term = term, Index = lastNewIndex });
            return;
        }

        // Our entry at m.Index is missing or has another term. Suggest the largest index at or below it
        // whose term is no greater than the leader's term there: every entry above it cannot match.
        var (hintIndex, hintTerm) = log.FindConflictByTerm(Math.Min(m.Index, log.LastIndex), m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppResp,
            To = m.From,
            From = Id,
            Term = term,
            Index = m.Index,
            Reject = true,
            RejectHintIndex = hintIndex,
            RejectHintTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        // The leader sends min(our match, its commit); commit only what an append of this leader verified (or what we
        // had committed already): after a restart the match it remembers may describe a log we no longer hold.
        log.CommitTo(Math.Min(m.Commit, Math.Max(leaderVerifiedIndex, log.Committed)));
        Send(new Message { Type = MessageType.HeartbeatResp, To = m.From, From = Id, Term = term, Context = m.Context });

        // A heartbeat's commit is capped at our match, so it says nothing about the leader's commit goal.
        ObserveVotersHeard(m);
        ObserveLeaderWatermarks(m);
    }

    /// <summary>§5.3 InstallSnapshot receiver.</summary>
    private void HandleSnapshot(Message m)
    {
        var snapshot = m.Snapshot;
        if (snapshot is null || snapshot.IsEmpty)
        {
            return;
        }

        if (Restore(snapshot))
        {
            leaderVerifiedIndex = Math.Max(leaderVerifiedIndex, log.LastIndex);
            Send(new Message { Type = MessageType.AppResp, To = m.From, From = Id, Term = term, Index = log.LastIndex });
        }
        else
        {
            Send(new Message { Type = MessageType.AppResp, To = m.From, From = Id, Term = term, Index = log.Committed });
        }
    }

    private bool Restore(Snapshot snapshot)
    {
        var metadata = snapshot.Metadata;
        if (metadata.Index <= log.Committed)
        {
            return false;
        }

        if (role != RaftRole.Follower)
        {
            RaftInvariantException.Throw($"Only a follower restores a snapshot; this node is {role}.");
        }

        // A snapshot whose configuration excludes us is still restored: a joining node learns the
        // membership from it and joins when it applies the later conf change that adds it. Until then it
        // is not promotable, so it never campaigns.
        if (log.MatchTerm(metadata.Index, metadata.Term))
        {
            // We already hold the snapshot's last entry: just fast-forward the commit index.
            log.CommitTo(metadata.Index);
            return false;
        }

        log.Restore(snapshot);
        tracker.SetMembership(metadata.ConfState, log.LastIndex + 1);
        foreach (var pr in tracker.All)
        {
            pr.ResetForNewTerm(log.LastIndex + 1);
        }

        return true;
    }
}
