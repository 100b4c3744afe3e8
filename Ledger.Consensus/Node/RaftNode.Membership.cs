namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    /// <summary>
    /// Applies a committed conf change entry's change (the host calls this while applying the entry) and
    /// returns the new membership, which the host persists alongside its applied index.
    /// </summary>
    public ConfState ApplyConfChange(ConfChange change)
    {
        if (change.NodeId == None)
        {
            throw new ArgumentException("Conf change names node 0.", nameof(change));
        }

        var current = tracker.ConfState();
        if (current.Voters.Length == 0)
        {
            // A joining node that replays the log from index 1 without a founding snapshot would believe
            // the cluster is just the nodes added since: it could elect itself alone. Stop instead.
            RaftInvariantException.Throw(
                $"Node {Id} applies a conf change without knowing any voters; bootstrap founders with RaftBootstrap so joiners receive the founding membership.");
        }

        var next = Apply(current, change);
        if (next.Voters.Length == 0)
        {
            RaftInvariantException.Throw($"Committed conf change {change.Type} {change.NodeId} leaves no voters; the leader must refuse such proposals.");
        }

        tracker.SetMembership(next, log.LastIndex + 1);
        OnMembershipChanged(change);
        return next;
    }

    private static ConfState Apply(ConfState current, ConfChange change)
    {
        var voters = new List<ulong>(current.Voters);
        var learners = new List<ulong>(current.Learners);
        switch (change.Type)
        {
            case ConfChangeType.AddNode:
                learners.Remove(change.NodeId);
                if (!voters.Contains(change.NodeId))
                {
                    voters.Add(change.NodeId);
                }

                break;
            case ConfChangeType.AddLearner:
                voters.Remove(change.NodeId);
                if (!learners.Contains(change.NodeId))
                {
                    learners.Add(change.NodeId);
                }

                break;
            case ConfChangeType.RemoveNode:
                voters.Remove(change.NodeId);
                learners.Remove(change.NodeId);
                break;
            default:
                throw new ArgumentException($"Unknown conf change type {change.Type}.", nameof(change));
        }

        return new ConfState([.. voters], [.. learners]);
    }

    /// <summary>Leader-side check at proposal time: the change must decode and leave at least one voter.</summary>
    private bool IsAcceptableConfChange(ReadOnlyMemory<byte> data)
    {
        ConfChange change;
        try
        {
            change = ConfChange.Decode(data);
        }
        catch (FormatException)
        {
            return false;
        }

        return change.NodeId != None && Apply(tracker.ConfState(), change).Voters.Length > 0;
    }
    private void OnMembershipChanged(ConfChange change)
    {
        if (role != RaftRole.Leader)
        {
            return;
        }

        if (!tracker.TryGet(Id, out var self) || self.IsLearner)
        {
            // §4.2.2: a leader removed from (or demoted in) the configuration steps down once the change commits.
            BecomeFollower(term, None);
            return;
        }

        if (leadTransferee != None && !tracker.IsVoter(leadTransferee))
        {
            leadTransferee = None;
        }

        // A smaller quorum may commit more; otherwise start feeding any new member.
        if (tracker.Voters.Length > 0 && MaybeCommit())
        {
            BroadcastAppend();
        }
        else if (change.Type != ConfChangeType.RemoveNode && tracker.TryGet(change.NodeId, out var added))
        {
            SendAppend(added, sendIfEmpty: true);
        }
    }
}
