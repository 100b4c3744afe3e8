namespace Ledger.Consensus;

/// <summary>The leader's view of one peer's log (dissertation §3.5: nextIndex and matchIndex, plus flow control).</summary>
internal sealed class Progress
{
    public Progress(ulong id, ulong next, int maxInflight, bool isLearner)
    {
        Id = id;
        Next = next;
        Inflights = new Inflights(maxInflight);
        IsLearner = isLearner;
    }

    public ulong Id { get; }

    public ulong Match { get; set; }

    public ulong Next { get; set; }

    public ProgressState State { get; private set; }

    /// <summary>Index of the snapshot in flight while in <see cref="ProgressState.Snapshot"/>.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>In Probe: an append is outstanding, wait for a reply or heartbeat response.</summary>
    public bool ProbeSent { get; set; }

    public Inflights Inflights { get; }

    public bool IsLearner { get; set; }

    /// <summary>The peer's incarnation from its latest response (0 = not heard yet in this term, or not tracked).</summary>
    public ulong Incarnation { get; set; }

    /// <summary>The leader's response sequence number of this peer's latest response.</summary>
    public ulong LastResponseSequence { get; set; }

    /// <summary>The leader's response sequence number when it first heard the peer's current incarnation.</summary>
    public ulong IncarnationHeardSequence { get; set; }

    /// <summary>The peer's latest response said it is recovering: its match does not count toward commit.</summary>
    public bool Recovering { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    public void BecomeProbe()
    {
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    /// <summary>The snapshot never reached the follower: probe from its last known match, not from the snapshot.</summary>
    public void BecomeProbeAfterFailedSnapshot()
    {
        PendingSnapshot = 0;
        BecomeProbe();
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>The follower acknowledged <paramref name="index"/>; true if that is news.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// The follower rejected an append after <paramref name="rejected"/>; <paramref name="matchHint"/> is
    /// the highest index that may match. False if the rejection is stale.
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Accounts an append of <paramref name="entryCount"/> entries ending at <paramref name="lastIndex"/>.</summary>
    public void SentEntries(int entryCount, ulong lastIndex)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (entryCount > 0)
                {
                    Next = lastIndex + 1;
                    Inflights.Add(lastIndex);
                }

                break;
            case ProgressState.Probe:
                ProbeSent = true;
                break;
            default:
                RaftInvariantException.Throw($"Sending entries to peer {Id} in state {State}.");
                break;
        }
    }

    public void ResetForNewTerm(ulong next)
    {
        ResetState(ProgressState.Probe);
        Match = 0;
        Next = next;
        RecentActive = false;
        Incarnation = 0;
        Recovering = false;
        LastResponseSequence = 0;
        IncarnationHeardSequence = 0;
    }

    /// <summary>
    /// The peer restarted (its incarnation changed): whatever it acknowledged before may be gone, so forget its match
    /// and probe it from the end of our log. Only lowers what we count, so always safe.
    /// </summary>
    public void ResetAfterRestart(ulong next, ulong incarnation)
    {
        ResetState(ProgressState.Probe);
        Match = 0;
        Next = next;
        Incarnation = incarnation;
    }

    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }
}
