using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Node.Governance;

namespace Ledger.Node.Tests.Governance;

public sealed class MembershipPlanTests
{
    private static readonly ulong N1 = RaftNodeIds.Of("node-1");
    private static readonly ulong N2 = RaftNodeIds.Of("node-2");
    private static readonly ulong N3 = RaftNodeIds.Of("node-3");
    private static readonly ulong N4 = RaftNodeIds.Of("node-4");

    private static RaftStatus Leader(ulong self, ConfState membership, ulong lastIndex, params (ulong Id, ulong Match)[] progress) =>
        Leader(self, membership, lastIndex, _ => true, progress);

    private static RaftStatus Leader(ulong self, ConfState membership, ulong lastIndex, Func<ulong, bool> recentActive, params (ulong Id, ulong Match)[] progress) => new()
    {
        Id = self,
        HardState = new HardState(3, self, lastIndex),
        SoftState = new SoftState(self, RaftRole.Leader),
        Applied = lastIndex,
        LastIndex = lastIndex,
        LeadTransferee = 0,
        ConfState = membership,
        Progress = [.. progress.Select(p => new ProgressStatus(p.Id, p.Match, p.Match + 1, ProgressState.Replicate, membership.IsLearner(p.Id), recentActive(p.Id), 0))],
    };

    private static NodeSet Registry(bool node2Removed = false, bool node4Added = false)
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-2", 0, removedAtHeight: node2Removed ? 9 : null).Add("node-3", 0);
        if (node4Added)
        {
            records.Add("node-4", 5);
        }

        return NodeSet.Load(records.State);
    }

    [Test]
    public void Next_MembershipMatchesTheRegistry_DoesNothing()
    {
        var status = Leader(N1, new ConfState([N1, N2, N3], []), 50, (N1, 50), (N2, 50), (N3, 50));

        Assert.That(MembershipPlan.Next(status, Registry()), Is.Null);
    }

    [Test]
    public void Next_GovernanceAddedANode_AddsItAsALearnerFirst()
    {
        var status = Leader(N1, new ConfState([N1, N2, N3], []), 50, (N1, 50), (N2, 50), (N3, 50));

        var step = MembershipPlan.Next(status, Registry(node4Added: true));

        Assert.That(step, Is.EqualTo(new MembershipStep.Propose(new ConfChange(ConfChangeType.AddLearner, N4))).Using<MembershipStep>(SameChange));
    }

    [Test]
    public void Next_LearnerStillFarBehind_WaitsBeforePromoting()
    {
        var status = Leader(N1, new ConfState([N1, N2, N3], [N4]), 500, (N1, 500), (N2, 500), (N3, 500), (N4, 100));

        Assert.That(MembershipPlan.Next(status, Registry(node4Added: true)), Is.Null);
    }

    [Test]
    public void Next_LearnerCaughtUp_PromotesItToVoter()
    {
        var status = Leader(N1, new ConfState([N1, N2, N3], [N4]), 500, (N1, 500), (N2, 500), (N3, 500), (N4, 500 - MembershipPlan.LearnerLagEntriesMax));

        var step = MembershipPlan.Next(status, Registry(node4Added: true));

        Assert.That(step, Is.EqualTo(new MembershipStep.Propose(new ConfChange(ConfChangeType.AddNode, N4))).Using<MembershipStep>(SameChange));
    }

    [Test]
    public void Next_GovernanceRemovedAFollower_RemovesIt_EvenWhileALearnerCatchesUp()
    {
        var status = Leader(N1, new ConfState([N1, N2, N3], [N4]), 500, (N1, 500), (N2, 500), (N3, 500), (N4, 10));

        var step = MembershipPlan.Next(status, Registry(node2Removed: true, node4Added: true));

        Assert.That(step, Is.EqualTo(new MembershipStep.Propose(new ConfChange(ConfChangeType.RemoveNode, N2))).Using<MembershipStep>(SameChange));
    }

    [Test]
    public void Next_GovernanceRemovedTheLeader_TransfersToTheMostCaughtUpActiveVoter()
    {
        var status = Leader(N2, new ConfState([N1, N2, N3], []), 500, (N1, 480), (N2, 500), (N3, 499));

        var step = MembershipPlan.Next(status, Registry(node2Removed: true));

        Assert.That(step, Is.EqualTo(new MembershipStep.TransferLeadership(N3)));
    }

    [Test]
    public void Next_AVoterLagsBehindTheBlockThatAddedThisLeader_HandsOverToALeaderItKnows()
    {
        // node-4 (added in block 5 = raft index 40) leads; node-1 went quiet at index 30, before that block.
        var status = Leader(N4, new ConfState([N1, N2, N3, N4], []), 500, id => id != N1, (N1, 30), (N2, 490), (N3, 500), (N4, 500));
        ulong? RaftIndexOf(ulong height) => height == 5 ? 40 : null;

        var step = MembershipPlan.Next(status, Registry(node4Added: true), RaftIndexOf);

        Assert.That(step, Is.EqualTo(new MembershipStep.TransferLeadership(N3)));
    }

    [Test]
    public void Next_EveryVoterKnowsThisLeader_DoesNotHandOver()
    {
        var status = Leader(N4, new ConfState([N1, N2, N3, N4], []), 500, id => id != N1, (N1, 45), (N2, 490), (N3, 500), (N4, 500));

        Assert.That(MembershipPlan.Next(status, Registry(node4Added: true), height => height == 5 ? 40UL : null), Is.Null);
    }

    private static bool SameChange(MembershipStep? left, MembershipStep? right) =>
        left is MembershipStep.Propose a && right is MembershipStep.Propose b && a.Change.Type == b.Change.Type && a.Change.NodeId == b.Change.NodeId;
}
