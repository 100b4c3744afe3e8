namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    private void BecomeFollower(ulong newTerm, ulong newLeader)
    {
        stepHandler = StepFollower;
        tickHandler = TickElection;
        Reset(newTerm);
        leader = newLeader;
        role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        if (role == RaftRole.Leader)
        {
            RaftInvariantException.Throw("Invalid transition: leader to pre-candidate.");
        }

        // §9.6: a pre-candidate neither increments its term nor votes, so a failed pre-vote disturbs no one.
        stepHandler = StepCandidate;
        tickHandler = TickElection;
        tracker.ResetVotes();
        leader = None;
        role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        if (role == RaftRole.Leader)
        {
            RaftInvariantException.Throw("Invalid transition: leader to candidate.");
        }

        stepHandler = StepCandidate;
        tickHandler = TickElection;
        Reset(term + 1);
        vote = Id;
        role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (role == RaftRole.Follower)
        {
            RaftInvariantException.Throw("Invalid transition: follower to leader.");
        }

        stepHandler = StepLeader;
        tickHandler = TickHeartbeat;
        Reset(term);
        leader = Id;
        role = RaftRole.Leader;

        if (tracker.TryGet(Id, out var self))
        {
            self.BecomeReplicate();
            self.RecentActive = true;
        }

        // §3.6.2 / §6.4: a new leader appends a no-op entry of its own term; committing it commits
        // everything before it and proves the leader knows the latest commit index.
        var noop = new Entry(term, log.LastIndex + 1, EntryType.Normal, ReadOnlyMemory<byte>.Empty);
        AppendAsLeader(noop);

        // No membership change until the no-op (and so every earlier change) is applied.
        pendingConfIndex = noop.Index;
        BroadcastAppend();
    }

    private void Reset(ulong newTerm)
    {
        if (newTerm < term)
        {
            RaftInvariantException.Throw($"Term would decrease from {term} to {newTerm}.");
        }

        if (newTerm != term)
        {
            term = newTerm;
            vote = None;
        }

        leader = None;
        leaderVerifiedIndex = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.ElectionTicks + random.Next(0, config.ElectionTicks);
        leadTransferee = None;
        tracker.ResetVotes();
        var next = log.LastIndex + 1;
        foreach (var pr in tracker.All)
        {
            pr.ResetForNewTerm(next);
            if (pr.Id == Id)
            {
                // Only what is durable counts toward a quorum (§10.2.1); unstable entries count at their Advance.
                pr.Match = Math.Min(log.DurableLastIndex, log.LastIndex);
            }
        }

        pendingConfIndex = 0;
        uncommittedBytes = 0;
        broadcastPending = false;
        readIndexQueue.Clear();
        pendingReadIndexMessages.Clear();
    }

    private void TickElection()
    {
        electionElapsed++;
        if (IsPromotable() && electionElapsed >= randomizedElectionTimeout)
        {
            electionElapsed = 0;
            StepInternal(new Message { Type = MessageType.Hup, From = Id });
        }
    }

    private void TickHeartbeat()
    {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.ElectionTicks)
        {
            electionElapsed = 0;
            if (config.CheckQuorum)
            {
                StepInternal(new Message { Type = MessageType.CheckQuorum, From = Id });
            }

            // §3.10: a transfer that has not completed within an election timeout is abandoned.
            if (role == RaftRole.Leader && leadTransferee != None)
            {
                leadTransferee = None;
            }
        }

        if (role != RaftRole.Leader)
        {
            return;
        }

        if (heartbeatElapsed >= config.HeartbeatTicks)
        {
            heartbeatElapsed = 0;
            StepInternal(new Message { Type = MessageType.Beat, From = Id });
        }
    }
}
