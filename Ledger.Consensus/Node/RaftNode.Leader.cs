namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    private void StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat(ReadOnlyMemory<byte>.Empty);
                return;
            case MessageType.CheckQuorum:
                CheckQuorum();
                return;
            case MessageType.Prop:
                LeaderAcceptForwardedProposal(m);
                return;
            case MessageType.ReadIndex:
                HandleReadIndex(m);
                return;
            default:
                break;
        }

        // Everything below is about one peer's progress (never our own).
        if (m.From == Id && m.Type != MessageType.TransferLeader)
        {
            return;
        }

        if (!tracker.TryGet(m.From, out var pr))
        {
            return;
        }

        switch (m.Type)
        {
            case MessageType.AppResp:
                pr.RecentActive = true;
                pr.LastResponseSequence = ++responseSequence;
                ObserveFollowerIncarnation(m, pr);
                ObserveFollowerRecovering(m, pr);
                HandleAppendResponse(m, pr);
                break;
            case MessageType.HeartbeatResp:
                pr.RecentActive = true;
                pr.LastResponseSequence = ++responseSequence;
                ObserveFollowerIncarnation(m, pr);
                ObserveFollowerRecovering(m, pr);
                HandleHeartbeatResponse(m, pr);
                break;
            case MessageType.SnapStatus:
                if (pr.State != ProgressState.Snapshot)
                {
                    return;
                }

                if (m.Reject)
                {
                    pr.BecomeProbeAfterFailedSnapshot();
                }
                else
                {
                    pr.BecomeProbe();
                }

                // Success: wait for the follower's append response. Failure: retry after a heartbeat round.
                pr.ProbeSent = true;
                break;
            case MessageType.Unreachable:
                // Optimistic pipelining to an unreachable peer is wasted: go back to probing.
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }

                break;
            case MessageType.TransferLeader:
                HandleTransferLeader(m.From, pr);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// A response from a new incarnation of the follower: it restarted and may have lost what it acknowledged. Reset
    /// its progress (match 0, probe from our last index) and probe it at once; its watermark stays, and every append
    /// tells it what it acknowledged so it recovers if it lost it.
    /// </summary>
    private void ObserveFollowerIncarnation(Message m, Progress pr)
    {
        if (m.Incarnation == 0 || m.Incarnation == pr.Incarnation)
        {
            return;
        }

        pr.IncarnationHeardSequence = responseSequence;
        var restarted = pr.Incarnation != 0;
        if (!restarted)
        {
            pr.Incarnation = m.Incarnation;
            return;
        }

        if (WatermarksIgnored)
        {
            pr.Incarnation = m.Incarnation;
            return;
        }

        pr.ResetAfterRestart(log.LastIndex + 1, m.Incarnation);
        SendAppend(pr, sendIfEmpty: true);
    }

    /// <summary>Tracks whether the follower says it is recovering; when it stops, its match may complete a quorum.</summary>
    private void ObserveFollowerRecovering(Message m, Progress pr)
    {
        var wasRecovering = pr.Recovering;
        pr.Recovering = m.Recovering;
        if (wasRecovering && !m.Recovering && MaybeCommit())
        {
            BroadcastAppend();
        }
    }

    private void CheckQuorum()
    {
        // §6.2: a leader that cannot reach a quorum within an election timeout steps down, so clients
        // find the real leader and leases stay sound.
        if (!tracker.QuorumActive(Id))
        {
            BecomeFollower(term, None);
            return;
        }

        foreach (var pr in tracker.All)
        {
            if (pr.Id != Id)
            {
                pr.RecentActive = false;
            }
        }
    }

    private void HandleAppendResponse(Message m, Progress pr)
    {
        if (m.Reject)
        {
            // §5.3 fast backtracking: skip every index whose term proves a mismatch.
            var nextProbeIndex = m.RejectHintIndex;
            if (m.RejectHintTerm > 0)
            {
                nextProbeIndex = log.FindConflictByTerm(m.RejectHintIndex, m.RejectHintTerm).Index;
            }

            if (pr.MaybeDecreaseTo(m.Index, nextProbeIndex))
            {
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }

                SendAppend(pr, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index))
        {
            return;
        }

        RaiseWatermark(pr);

        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match + 1 >= log.FirstIndex:
                // The follower restored the snapshot and the log continues from it: resume appends.
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeLessOrEqual(m.Index);
                break;
            default:
                break;
        }

        if (MaybeCommit())
        {
            BroadcastAppend();
        }
        else if (wasPaused)
        {
            SendAppend(pr, sendIfEmpty: false);
        }

        // Pipelining: keep sending while the window has room and entries remain.
        while (SendAppend(pr, sendIfEmpty: false))
        {
        }

        if (m.From == leadTransferee && pr.Match == log.LastIndex)
        {
            SendTimeoutNow(m.From);
        }
    }

    private void HandleHeartbeatResponse(Message m, Progress pr)
    {
        pr.ProbeSent = false;
        if (pr.State == ProgressState.Replicate && pr.Inflights.Full)
        {
            // The appends filling the window may all have been lost; without freeing one, replication to this
            // live follower would stay paused forever (no response will ever arrive to free them).
            pr.Inflights.FreeFirstOne();
        }

        if (pr.Match < log.LastIndex || pr.State == ProgressState.Probe)
        {
            SendAppend(pr, sendIfEmpty: true);
        }

        if (config.ReadOnlyOption != ReadOnlyOption.Safe || m.Context.IsEmpty || pr.IsLearner)
        {
            return;
        }

        if (!ReadIndexQueue.TryDecodeSequence(m.Context, out var sequence))
        {
            return;
        }

        if (readIndexQueue.Acknowledge(sequence, m.From) < tracker.Quorum)
        {
            return;
        }

        foreach (var read in readIndexQueue.ReleaseThrough(sequence))
        {
            RespondToRead(read.Requester, read.Index, read.Context);
        }
    }

    private void HandleTransferLeader(ulong target, Progress pr)
    {
        if (pr.IsLearner || pr.Recovering)
        {
            return;
        }

        if (leadTransferee != None)
        {
            if (leadTransferee == target)
            {
                return;
            }

            leadTransferee = None;
        }

        if (target == Id)
        {
            return;
        }

        // §3.10: stop accepting proposals, bring the target up to date, then tell it to campaign.
        // The transfer must finish within an election timeout (see TickHeartbeat).
        electionElapsed = 0;
        leadTransferee = target;
        if (pr.Match == log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(pr, sendIfEmpty: true);
        }
    }

    private void SendTimeoutNow(ulong to) =>
        Send(new Message { Type = MessageType.TimeoutNow, To = to, From = Id, Term = term });

    /// <summary>§3.6.2: commit by counting replicas only for an entry of the current term.</summary>
    private bool MaybeCommit()
    {
        var countPriorTerms = (config.Bugs & RaftBugs.CommitPriorTermEntryByCounting) != 0;
        if (!log.MaybeCommit(tracker.QuorumCommitted(), term, countPriorTerms))
        {
            return false;
        }

        // Reads wait only until the first commit of this term (§6.4), so the queue empties here once.
        if (pendingReadIndexMessages.Count > 0 && CommittedEntryInCurrentTerm())
        {
            ReleasePendingReadIndexMessages();
        }

        return true;
    }

    private bool CommittedEntryInCurrentTerm() => log.TermOrZero(log.Committed) == term;
}
