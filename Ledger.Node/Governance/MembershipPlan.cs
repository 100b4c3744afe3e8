using Ledger.Consensus;

namespace Ledger.Node.Governance;

/// <summary>
/// Compares the leader's Raft membership with the registry's active nodes and picks the next single
/// change (Raft allows one in flight; the core refuses a second with ConfChangePending). Pure: the same
/// status and node set give the same step, so the plan is idempotent across leader changes and restarts.
/// Order: promote a caught-up learner, add a missing node as learner, then remove a node governance
/// removed. New nodes enter as learners so that an empty node does not join the commit quorum before it
/// holds the log: with 3 voters plus an empty fourth voter, quorum is 3 and one more failure would stall
/// the consortium until the newcomer caught up.
/// </summary>
public static class MembershipPlan
{
    /// <summary>Promote a learner once its replicated log is within this many entries of the leader's last index.</summary>
    public const ulong LearnerLagEntriesMax = 16;

    /// <param name="leader">The leader's status, with progress.</param>
    /// <param name="registry">The registry's nodes at the leader's applied height.</param>
    /// <param name="raftIndexOfBlock">The Raft index of the entry that produced a block height (0 for genesis), when known.</param>
    /// <returns>The next step, or null when Raft's membership already matches the registry (or must wait).</returns>
    public static MembershipStep? Next(RaftStatus leader, NodeSet registry, Func<ulong, ulong?>? raftIndexOfBlock = null)
    {
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(registry);
        var membership = leader.ConfState;

        foreach (var learner in membership.Learners)
        {
            if (registry.IsActive(learner) && IsCaughtUp(leader, learner))
            {
                return new MembershipStep.Propose(new ConfChange(ConfChangeType.AddNode, learner));
            }
        }

        foreach (var node in registry.Active)
        {
            if (!membership.Contains(node.RaftId))
            {
                return new MembershipStep.Propose(new ConfChange(ConfChangeType.AddLearner, node.RaftId));
            }
        }

        foreach (var member in membership.Voters)
        {
            if (registry.IsActive(member))
            {
                continue;
            }

            if (member != leader.Id)
            {
                return new MembershipStep.Propose(new ConfChange(ConfChangeType.RemoveNode, member));
            }

            var successor = MostCaughtUpActiveVoter(leader, registry);
            if (successor != 0)
            {
                return new MembershipStep.TransferLeadership(successor);
            }
        }

        foreach (var learner in membership.Learners)
        {
            if (!registry.IsActive(learner))
            {
                return new MembershipStep.Propose(new ConfChange(ConfChangeType.RemoveNode, learner));
            }
        }

        return raftIndexOfBlock is null ? null : HandOverToAKnownLeader(leader, registry, raftIndexOfBlock);
    }

    /// <summary>
    /// A voter whose log stops before the block that added this leader cannot know this leader yet and
    /// refuses its stream (see <see cref="NodeDirectory.RefusalFor"/>): it would never catch up while this
    /// node leads. Hand leadership to a caught-up voter that voter does know (added before its log ends).
    /// </summary>
    private static MembershipStep? HandOverToAKnownLeader(RaftStatus leader, NodeSet registry, Func<ulong, ulong?> raftIndexOfBlock)
    {
        if (registry.Find(leader.Id) is not { AddedAtHeight: > 0 } self || raftIndexOfBlock(self.AddedAtHeight) is not { } selfAddedIndex)
        {
            return null;
        }

        foreach (var lagging in leader.Progress)
        {
            if (lagging.Id == leader.Id || lagging.IsLearner || lagging.RecentActive || lagging.Match >= selfAddedIndex)
            {
                continue;
            }

            ulong best = 0;
            ulong bestMatch = 0;
            foreach (var candidate in leader.Progress)
            {
                if (candidate.Id == leader.Id || candidate.Id == lagging.Id || candidate.IsLearner || !IsCaughtUp(leader, candidate.Id)
                    || registry.Find(candidate.Id) is not { IsActive: true } node
                    || (node.AddedAtHeight > 0 && (raftIndexOfBlock(node.AddedAtHeight) is not { } addedIndex || addedIndex > lagging.Match)))
                {
                    continue;
                }

                if (best == 0 || candidate.Match > bestMatch)
                {
                    best = candidate.Id;
                    bestMatch = candidate.Match;
                }
            }

            if (best != 0)
            {
                return new MembershipStep.TransferLeadership(best);
            }
        }

        return null;
    }

    private static bool IsCaughtUp(RaftStatus leader, ulong peer)
    {
        foreach (var progress in leader.Progress)
        {
            if (progress.Id == peer)
            {
                return progress.Match > 0 && progress.Match + LearnerLagEntriesMax >= leader.LastIndex;
            }
        }

        return false;
    }

    private static ulong MostCaughtUpActiveVoter(RaftStatus leader, NodeSet registry)
    {
        ulong best = 0;
        ulong bestMatch = 0;
        foreach (var progress in leader.Progress)
        {
            if (progress.Id == leader.Id || progress.IsLearner || !registry.IsActive(progress.Id) || !leader.ConfState.IsVoter(progress.Id))
            {
                continue;
            }

            if (best == 0 || progress.Match > bestMatch)
            {
                best = progress.Id;
                bestMatch = progress.Match;
            }
        }

        return best;
    }
}
