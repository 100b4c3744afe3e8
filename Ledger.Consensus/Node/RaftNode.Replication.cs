namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Sends the next append (or a snapshot) to <paramref name="pr"/>; false if nothing was sent.</summary>
    private bool SendAppend(Progress pr, bool sendIfEmpty)
    {
        if (pr.Id == Id || pr.IsPaused)
        {
            return false;
        }

        var previousIndex = pr.Next - 1;
        if (!log.TryTerm(previousIndex, out var previousTerm))
        {
            return SendSnapshot(pr);
        }

        EntrySlice entries;
        try
        {
            entries = log.EntriesFrom(pr.Next, config.MaxBytesPerAppend, config.MaxEntriesPerAppend);
        }
        catch (RaftLogCompactedException)
        {
            return SendSnapshot(pr);
        }

        if (entries.Length == 0 && !sendIfEmpty)
        {
            return false;
        }

        Send(new Message
        {
            Type = MessageType.App,
            To = pr.Id,
            From = Id,
            Term = term,
            Index = previousIndex,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = log.Committed,
            Watermarks = GossipedWatermarks,
            VotersHeardIncarnation = OtherVotersHeardSince(pr) ? pr.Incarnation : 0,
        });
        pr.SentEntries(entries.Length, entries.Length > 0 ? entries[^1].Index : previousIndex);
        return true;
    }

    /// <summary>§5.3: the follower needs entries we compacted away; ship the snapshot instead.</summary>
    private bool SendSnapshot(Progress pr)
    {
        if (!pr.RecentActive)
        {
            // Don't push a potentially large snapshot at a peer we have not heard from.
            return false;
        }

        Snapshot snapshot;
        try
        {
            snapshot = log.Snapshot();
        }
        catch (RaftSnapshotTemporarilyUnavailableException)
        {
            return false;
        }

        if (snapshot.IsEmpty)
        {
            RaftInvariantException.Throw($"Peer {pr.Id} needs compacted entries but there is no snapshot.");
        }

        Send(new Message { Type = MessageType.Snap, To = pr.Id, From = Id, Term = term, Snapshot = snapshot });
        pr.BecomeSnapshot(snapshot.Metadata.Index);
        return true;
    }

    private void BroadcastAppend()
    {
        foreach (var pr in tracker.All)
        {
            SendAppend(pr, sendIfEmpty: true);
        }
    }

    /// <summary>New proposals are batched: one append per follower per Ready rather than per proposal.</summary>
    private void FlushPendingBroadcast()
    {
        if (!broadcastPending)
        {
            return;
        }

        broadcastPending = false;
        if (role != RaftRole.Leader)
        {
            return;
        }

        foreach (var pr in tracker.All)
        {
            SendAppend(pr, sendIfEmpty: false);
        }
    }

    private void BroadcastHeartbeat(ReadOnlyMemory<byte> context)
    {
        foreach (var pr in tracker.All)
        {
            if (pr.Id == Id)
            {
                continue;
            }

            // Never tell a follower to commit beyond what it is known to hold. Index and LogTerm carry our last log
            // position: the bound followers clip watermarks, claims and recovery targets to (see ObserveLeaderWatermarks).
            Send(new Message
            {
                Type = MessageType.Heartbeat,
                To = pr.Id,
                From = Id,
                Term = term,
                Index = log.LastIndex,
                LogTerm = log.LastTerm,
                Commit = Math.Min(pr.Match, log.Committed),
                Context = context,
                Watermarks = GossipedWatermarks,
                VotersHeardIncarnation = OtherVotersHeardSince(pr) ? pr.Incarnation : 0,
            });
        }
    }
}
