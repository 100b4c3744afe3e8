namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    /// <summary>Handles a local or forwarded ReadIndex request; returns why it was dropped, if it was.</summary>
    private ProposalDropReason? HandleReadIndex(Message m)
    {
        switch (role)
        {
            case RaftRole.Leader:
                return LeaderReadIndex(m);
            case RaftRole.Follower when leader != None:
                if (m.From == Id)
                {
                    Send(new Message { Type = MessageType.ReadIndex, To = leader, From = Id, Context = m.Context });
                }

                return null;
            default:
                return ProposalDropReason.NoLeader;
        }
    }

    private ProposalDropReason? LeaderReadIndex(Message m)
    {
        if (tracker.IsSingleton && tracker.IsVoter(Id))
        {
            RespondToRead(m.From, log.Committed, m.Context);
            return null;
        }

        if (!CommittedEntryInCurrentTerm())
        {
            // §6.4 step 1: until the leader commits an entry of its term it may not know the latest commit
            // index. Hold the request until the no-op commits.
            if (pendingReadIndexMessages.Count >= config.MaxPendingReadIndexRequests)
            {
                return ProposalDropReason.TooManyPendingReads;
            }

            pendingReadIndexMessages.Add(m);
            return null;
        }

        return ServeReadIndex(m);
    }

    private ProposalDropReason? ServeReadIndex(Message m)
    {
        if (config.ReadOnlyOption == ReadOnlyOption.LeaseBased)
        {
            RespondToRead(m.From, log.Committed, m.Context);
            return null;
        }

        if (readIndexQueue.Count >= config.MaxPendingReadIndexRequests)
        {
            return ProposalDropReason.TooManyPendingReads;
        }

        // §6.4 steps 2-3: record the commit index, then confirm leadership with a heartbeat round.
        var read = readIndexQueue.Add(log.Committed, m.From, m.Context);
        readIndexQueue.Acknowledge(read.Sequence, Id);
        BroadcastHeartbeat(ReadIndexQueue.EncodeSequence(read.Sequence));
        return null;
    }

    private void ReleasePendingReadIndexMessages()
    {
        if (pendingReadIndexMessages.Count == 0)
        {
            return;
        }

        foreach (var m in pendingReadIndexMessages)
        {
            ServeReadIndex(m);
        }

        pendingReadIndexMessages.Clear();
    }

    private void RespondToRead(ulong requester, ulong index, ReadOnlyMemory<byte> context)
    {
        if (requester == None || requester == Id)
        {
            readStates.Add(new ReadState(index, context));
        }
        else
        {
            Send(new Message { Type = MessageType.ReadIndexResp, To = requester, From = Id, Term = term, Index = index, Context = context });
        }
    }
}
