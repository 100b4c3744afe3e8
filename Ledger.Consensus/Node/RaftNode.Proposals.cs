namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    private bool TryProposeEntry(EntryType type, ReadOnlyMemory<byte> data, out ProposalDropReason reason)
    {
        switch (role)
        {
            case RaftRole.Leader:
                return TryLeaderAppend(type, data, out reason);
            case RaftRole.Follower when leader != None:
                if (config.DisableProposalForwarding)
                {
                    reason = ProposalDropReason.ForwardingDisabled;
                    return false;
                }

                Send(new Message
                {
                    Type = MessageType.Prop,
                    To = leader,
                    From = Id,
                    Entries = [new Entry(0, 0, type, data)],
                });
                reason = default;
                return true;
            default:
                reason = ProposalDropReason.NoLeader;
                return false;
        }
    }

    /// <summary>A follower forwarded proposals; drop silently on refusal (the client will time out and retry).</summary>
    private void LeaderAcceptForwardedProposal(Message m)
    {
        foreach (var entry in m.Entries)
        {
            if (!TryLeaderAppend(entry.Type, entry.Data, out _))
            {
                return;
            }
        }
    }

    private bool TryLeaderAppend(EntryType type, ReadOnlyMemory<byte> data, out ProposalDropReason reason)
    {
        if (!tracker.Contains(Id))
        {
            reason = ProposalDropReason.NotMember;
            return false;
        }

        if (leadTransferee != None)
        {
            reason = ProposalDropReason.LeaderTransferring;
            return false;
        }

        if (type == EntryType.ConfChange)
        {
            // §4.1: one membership change at a time, and only once an entry of this term is committed
            // (the fix for the single-server change bug found after the dissertation was published).
            if (pendingConfIndex > log.Applied || !CommittedEntryInCurrentTerm())
            {
                reason = ProposalDropReason.ConfChangePending;
                return false;
            }

            if (!IsAcceptableConfChange(data))
            {
                reason = ProposalDropReason.InvalidConfChange;
                return false;
            }
        }

        if (!TryIncreaseUncommittedBytes(data.Length))
        {
            reason = ProposalDropReason.UncommittedBytesLimit;
            return false;
        }

        var entry = new Entry(term, log.LastIndex + 1, type, data);
        AppendAsLeader(entry);
        if (type == EntryType.ConfChange)
        {
            pendingConfIndex = entry.Index;
        }

        broadcastPending = true;
        reason = default;
        return true;
    }

    /// <summary>
    /// Appends to the leader's own log. The leader's progress is not advanced here: it counts itself toward the
    /// commit quorum only when the host reports the entry durable (see AcknowledgeOwnDurableEntries), since its
    /// appends may reach followers before its own write completes (§10.2.1). A single voter therefore commits at
    /// the Advance that persists the entry.
    /// </summary>
    private void AppendAsLeader(Entry entry)
    {
        log.AppendAtEnd(entry);
        if ((config.Bugs & RaftBugs.LeaderCountsItselfBeforeDurable) != 0 && tracker.TryGet(Id, out var self))
        {
            // Deliberate bug: the leader's unwritten entry counts toward the quorum.
            self.MaybeUpdate(entry.Index);
            MaybeCommit();
        }
    }

    private bool TryIncreaseUncommittedBytes(long bytes)
    {
        var limit = config.MaxUncommittedEntriesBytes;
        if (limit > 0 && uncommittedBytes > 0 && bytes > 0 && uncommittedBytes + bytes > limit)
        {
            return false;
        }

        uncommittedBytes += bytes;
        return true;
    }

    private void ReduceUncommittedBytes(long bytes)
    {
        uncommittedBytes = bytes >= uncommittedBytes ? 0 : uncommittedBytes - bytes;
    }
}
