using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Membership;

/// <summary>Single-server membership changes and learners, dissertation §4.1-§4.2.</summary>
public sealed class MembershipTests
{
    [Test]
    public void ConfChange_SecondPendingChange_IsRefused()
    {
        // §4.1: "a leader ... will not start a new configuration change until the previous one has committed" (and been applied).
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(1);

        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, 4));
        var error = Assert.Throws<ProposalDroppedException>(() => leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, 5)));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.ConfChangePending));
    }

    [Test]
    public void ConfChange_AfterPreviousIsApplied_IsAccepted()
    {
        var cluster = TestCluster.Create(3, founding: true);
        var leader = cluster.Elect(1);
        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4));
        cluster.Stabilize();

        Assert.That(() => leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 5)), Throws.Nothing);
    }

    [TestCase(ConfChangeType.RemoveNode)]
    [TestCase(ConfChangeType.AddLearner)]
    public void ConfChange_LeavingNoVoters_IsRefused(ConfChangeType type)
    {
        var cluster = TestCluster.Create(1);
        var leader = cluster.Elect(1);

        var error = Assert.Throws<ProposalDroppedException>(() => leader.Node.ProposeConfChange(new ConfChange(type, 1)));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.InvalidConfChange));
    }

    [Test]
    public void ConfChange_BeforeLeaderCommitsAnEntryOfItsTerm_IsRefused()
    {
        // The single-server change bug (Ongaro, raft-dev 2015): a new leader must commit an entry of its
        // term before it may change membership.
        var cluster = TestCluster.Create(3);
        cluster.DropFilter = m => m.Type == MessageType.AppResp;
        var leader = cluster.Elect(1);

        var error = Assert.Throws<ProposalDroppedException>(() => leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 3)));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.ConfChangePending));
    }

    [Test]
    public void ConfChange_AddNode_JoinerLearnsMembershipFromSnapshot_AndCountsForQuorum()
    {
        // §4.1 + §4.2.1: a new server catches up, then is counted in the majority.
        var cluster = TestCluster.Create(3, founding: true);
        var leader = cluster.Elect(1);
        cluster.Propose(1, "before");
        cluster.Stabilize();
        var joiner = cluster.AddJoiner(4);

        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, 4));
        cluster.Stabilize();
        cluster.Tick(2);

        Assert.That(joiner.Node.Status.ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(joiner.LastRestoredSnapshot, Is.Not.Null, "membership came from the founding snapshot");
        Assert.That(joiner.State, Is.EqualTo(new[] { "before" }));

        // With 4 voters, a majority is 3: the leader and one follower are no longer enough.
        cluster.Isolate(3);
        cluster.Isolate(4);
        cluster.Propose(1, "needs-three");
        cluster.Stabilize();
        Assert.That(leader.State, Does.Not.Contain("needs-three"));

        cluster.Heal();
        cluster.Isolate(3);
        cluster.Tick(2);
        Assert.That(leader.State, Does.Contain("needs-three"));
    }

    [Test]
    public void ConfChange_JoinerReplayingWithoutFoundingMembership_StopsRatherThanSplitBrain()
    {
        // With index-0 bootstrap the founding membership cannot be shipped; a joiner must fail loudly.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.AddJoiner(4);
        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, 4));

        Assert.Throws<RaftInvariantException>(() => cluster.Tick(3));
    }

    [Test]
    public void ConfChange_RemoveNode_QuorumShrinks_AndRemainingNodesCommit()
    {
        // §4.1: the new configuration takes effect for commitment (applied on commit, as in etcd).
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 3));
        cluster.Stabilize();
        Assert.That(leader.Node.Status.ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2 }));

        cluster.Isolate(3);
        cluster.Propose(1, "two-of-two");
        cluster.Stabilize();

        Assert.That(leader.State, Does.Contain("two-of-two"));
        Assert.That(leader.Node.Status.Progress.Select(p => p.Id), Is.EqualTo(new ulong[] { 1, 2 }));
    }

    [Test]
    public void ConfChange_RemovingTheLeader_MakesItStepDown()
    {
        // §4.2.2: a leader that is not part of the new configuration steps down once it is committed.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 1));
        cluster.Stabilize();

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Follower));
        cluster.Tick(40);
        var newLeader = cluster.Peers.Single(p => p.Node.Role == RaftRole.Leader);
        Assert.That(newLeader.Id, Is.Not.EqualTo(1UL));
    }

    [Test]
    public void ConfChange_RemovedNode_DoesNotCampaign()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 3));
        cluster.Stabilize();
        cluster.Isolate(3);

        cluster.TickOne(3, 100);

        Assert.That(cluster[3].Node.Role, Is.EqualTo(RaftRole.Follower));
    }

    [Test]
    public void Node_WithCommittedButUnappliedConfChange_DoesNotCampaign()
    {
        // §4.1: a server uses the configuration it knows; campaigning before applying a committed change
        // could count votes against a stale configuration.
        var storage = MemoryRaftLogStorage.WithVoters(1, 2, 3);
        storage.Append([new Entry(1, 1, EntryType.ConfChange, new ConfChange(ConfChangeType.RemoveNode, 3).Encode())]);
        storage.SetHardState(new HardState(1, 0, 1));
        var node = new RaftNode(TestCluster.Config(1), storage);

        node.Campaign();

        Assert.That(node.Role, Is.EqualTo(RaftRole.Follower));
    }

    [Test]
    public void Learner_DoesNotVote_AndIsNotCountedForCommit()
    {
        // §4.2.1: learners ("non-voting members") receive the log but count toward no majority.
        var cluster = TestCluster.Create(3, learners: [4]);
        var leader = cluster.Elect(1);
        Assert.That(cluster.Delivered.Any(m => m.Type == MessageType.Vote && m.To == 4), Is.False, "candidates do not ask learners");

        cluster.Isolate(2);
        cluster.Isolate(3);
        cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.That(cluster[4].Node.LastIndex, Is.EqualTo(leader.Node.LastIndex), "the learner stored the entry");
        Assert.That(leader.State, Is.Empty, "leader + learner is not a majority of voters");
    }

    [Test]
    public void Learner_ReceivesTheLog_AndAppliesCommittedEntries()
    {
        var cluster = TestCluster.Create(3, learners: [4]);
        cluster.Elect(1);

        cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.That(cluster[4].State, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void Learner_DoesNotCampaign_OnElectionTimeout()
    {
        var cluster = TestCluster.Create(3, learners: [4]);
        cluster.Isolate(4);

        cluster.TickOne(4, 100);

        Assert.That(cluster[4].Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(cluster[4].Node.Term, Is.EqualTo(0UL));
    }

    [Test]
    public void Learner_PromotedWithAddNode_BecomesVoterAndCounts()
    {
        var cluster = TestCluster.Create(3, learners: [4]);
        var leader = cluster.Elect(1);

        leader.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddNode, 4));
        cluster.Stabilize();

        Assert.That(leader.Node.Status.ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(cluster[4].Node.Status.ConfState.Learners, Is.Empty);
        cluster.Isolate(1);
        cluster.Tick(40);
        Assert.That(cluster.Peers.Count(p => p.Id != 1 && p.Node.Role == RaftRole.Leader), Is.EqualTo(1), "2, 3, 4 form a majority of 4");
    }

    [Test]
    public void ConfChange_ProposedOnFollower_IsForwardedAndApplied()
    {
        var cluster = TestCluster.Create(3, learners: [4]);
        cluster.Elect(1);

        cluster[2].Node.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 4));
        cluster.Stabilize();

        Assert.That(cluster[1].Node.Status.ConfState.Learners, Is.Empty);
    }

    [TestCase(ConfChangeType.AddNode, 7UL, "")]
    [TestCase(ConfChangeType.RemoveNode, ulong.MaxValue, "ctx")]
    [TestCase(ConfChangeType.AddLearner, 1UL, "node-4.example:7000")]
    public void ConfChange_EncodeDecode_RoundTrips(ConfChangeType type, ulong nodeId, string context)
    {
        var change = new ConfChange(type, nodeId, System.Text.Encoding.UTF8.GetBytes(context));

        var decoded = ConfChange.Decode(change.Encode());

        Assert.That(decoded.Type, Is.EqualTo(type));
        Assert.That(decoded.NodeId, Is.EqualTo(nodeId));
        Assert.That(decoded.Context.ToArray(), Is.EqualTo(change.Context.ToArray()));
    }

    [Test]
    public void ConfChange_Decode_RejectsTruncatedOrUnknownBytes()
    {
        Assert.Throws<FormatException>(() => ConfChange.Decode(new byte[] { 0, 1, 2 }));
        Assert.Throws<FormatException>(() => ConfChange.Decode(new byte[] { 9, 0, 0, 0, 0, 0, 0, 0, 1 }));
    }
}
