using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Liveness;

/// <summary>Pre-vote (§9.6), check-quorum (§6.2) and the follower lease that ignores disruptive votes (§4.2.3).</summary>
public sealed class PreVoteAndCheckQuorumTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    private static RaftConfig WithPreVote(RaftConfig c) => c with { PreVote = true };

    private static RaftConfig WithCheckQuorum(RaftConfig c) => c with { CheckQuorum = true };

    private static RaftConfig WithBoth(RaftConfig c) => c with { PreVote = true, CheckQuorum = true };

    [Test]
    public void PreVote_PartitionedNodeRejoining_DoesNotDeposeLeader()
    {
        // §9.6: "a server that was partitioned ... only increments its term if it could win an election",
        // so its return does not force the cluster's leader to step down.
        var cluster = TestCluster.Create(3, WithPreVote);
        var leader = cluster.Elect(1);
        var termBefore = leader.Node.Term;
        cluster.Isolate(3);

        cluster.Tick(60);
        Assert.That(cluster[3].Node.Term, Is.EqualTo(termBefore), "pre-vote failed, so the term did not grow");

        cluster.Heal();
        cluster.Tick(5);

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(leader.Node.Term, Is.EqualTo(termBefore));
        Assert.That(cluster[3].Node.Leader, Is.EqualTo(1UL));
    }

    [Test]
    public void WithoutPreVote_PartitionedNodeRejoining_DoesDisruptTheTerm()
    {
        // The problem pre-vote solves (§9.6), shown so the test above can fail.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var termBefore = leader.Node.Term;
        cluster.Isolate(3);
        cluster.Tick(60);

        cluster.Heal();
        cluster.Tick(1);

        Assert.That(cluster.Peers.Max(p => p.Node.Term), Is.GreaterThan(termBefore));
    }

    [Test]
    public void PreCandidate_DoesNotIncrementTermOrVote()
    {
        // §9.6: the pre-vote phase changes no persistent state.
        var peer = TestPeer.Create(1, ThreeVoters, WithPreVote);

        peer.Node.Campaign();
        var sent = peer.Process();

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.PreCandidate));
        Assert.That(peer.Node.Term, Is.EqualTo(0UL));
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(0UL));
        Assert.That(sent.All(m => m is { Type: MessageType.PreVote, Term: 1 }), Is.True, "requests carry the would-be term");
    }

    [Test]
    public void PreCandidate_WinningPreVote_CampaignsForReal()
    {
        var peer = TestPeer.Create(1, ThreeVoters, WithPreVote);
        peer.Node.Campaign();
        peer.Process();

        var sent = peer.StepAndCollect(new Message { Type = MessageType.PreVoteResp, From = 2, To = 1, Term = 1 });

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Candidate));
        Assert.That(peer.Node.Term, Is.EqualTo(1UL));
        Assert.That(sent.Where(m => m.Type == MessageType.Vote).Select(m => m.To), Is.EquivalentTo(new[] { 2UL, 3UL }));
    }

    [Test]
    public void PreVote_Grant_DoesNotChangeVotersTermOrVote()
    {
        var peer = TestPeer.Create(2, ThreeVoters, WithPreVote);

        var sent = peer.StepAndCollect(new Message { Type = MessageType.PreVote, From = 1, To = 2, Term = 1 });

        Assert.That(sent.Single(), Has.Property(nameof(Message.Reject)).False.And.Property(nameof(Message.Term)).EqualTo(1UL));
        Assert.That(peer.Node.Term, Is.EqualTo(0UL));
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(0UL));
    }

    [Test]
    public void PreVote_FromLowerTerm_IsRejectedWithCurrentTerm()
    {
        var peer = TestPeer.Create(2, ThreeVoters, WithPreVote, hardState: new HardState(5, 0, 0));

        var sent = peer.StepAndCollect(new Message { Type = MessageType.PreVote, From = 1, To = 2, Term = 3 });

        Assert.That(sent.Single().Reject, Is.True);
        Assert.That(sent.Single().Term, Is.EqualTo(5UL));
    }

    [Test]
    public void PreVote_WithStaleLog_IsRejected()
    {
        var peer = TestPeer.Create(2, ThreeVoters, WithPreVote, logTerms: [1, 2]);

        var sent = peer.StepAndCollect(new Message { Type = MessageType.PreVote, From = 1, To = 2, Term = 3, Index = 1, LogTerm = 1 });

        Assert.That(sent.Single().Reject, Is.True);
    }

    [Test]
    public void CheckQuorum_LeaderStepsDown_WhenIsolated()
    {
        // §6.2: "a leader steps down if an election timeout elapses without a successful round of
        // heartbeats to a majority of its cluster".
        var cluster = TestCluster.Create(3, WithCheckQuorum);
        var leader = cluster.Elect(1);
        cluster.Isolate(1);

        cluster.TickOne(1, 2 * leader.Config.ElectionTicks);

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(leader.Node.Leader, Is.EqualTo(0UL));
    }

    [Test]
    public void CheckQuorum_LeaderWithQuorum_StaysLeader()
    {
        var cluster = TestCluster.Create(3, WithCheckQuorum);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);

        cluster.Tick(5 * leader.Config.ElectionTicks);

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
    }

    [Test]
    public void Follower_HearingFromLeader_IgnoresHigherTermVoteRequest()
    {
        // §4.2.3: "if a server receives a RequestVote request within the minimum election timeout of
        // hearing from a current leader, it does not update its term or grant its vote."
        var cluster = TestCluster.Create(3, WithCheckQuorum);
        cluster.Elect(1);

        var sent = cluster[2].StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 9, Index = 100, LogTerm = 9 });

        Assert.That(sent, Is.Empty);
        Assert.That(cluster[2].Node.Term, Is.EqualTo(1UL));
        Assert.That(cluster[2].Node.Leader, Is.EqualTo(1UL));
    }

    [Test]
    public void Follower_AfterLeaseExpires_AcceptsHigherTermVoteRequest()
    {
        var cluster = TestCluster.Create(3, WithCheckQuorum);
        cluster.Elect(1);
        cluster.Isolate(1);
        cluster.TickOne(2, cluster[2].Config.ElectionTicks);

        var sent = cluster[2].StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 9, Index = 100, LogTerm = 9 });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(cluster[2].Node.Term, Is.EqualTo(9UL));
    }

    [Test]
    public void StaleLeader_ReceivesHigherTermResponse_AndStepsDown()
    {
        // With pre-vote a newer leader's followers answer a stale leader's heartbeats with their term,
        // which is how it learns to step down (it never sees a vote request it could react to).
        var cluster = TestCluster.Create(3, WithPreVote);
        var old = cluster.Elect(1);
        cluster.Isolate(1);
        cluster.Tick(3 * old.Config.ElectionTicks);
        var newLeader = cluster.Peers.Single(p => p.Id != 1 && p.Node.Role == RaftRole.Leader);

        Assert.That(old.Node.Role, Is.EqualTo(RaftRole.Leader), "without check-quorum it does not notice alone");

        cluster.Heal();
        cluster.Tick(2);

        Assert.That(old.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(old.Node.Leader, Is.EqualTo(newLeader.Id));
    }

    [Test]
    public void PreVoteAndCheckQuorum_Cluster_RecoversFromLeaderIsolation()
    {
        var cluster = TestCluster.Create(5, WithBoth);
        cluster.Elect(1);
        cluster.Isolate(1);

        cluster.Tick(40);
        var newLeader = cluster.Peers.Single(p => p.Id != 1 && p.Node.Role == RaftRole.Leader);
        cluster.Propose(newLeader.Id, "after");
        cluster.Stabilize();
        cluster.Heal();
        cluster.Tick(5);

        Assert.That(cluster.Peers.Count(p => p.Node.Role == RaftRole.Leader), Is.EqualTo(1));
        Assert.That(cluster[1].AppliedData().Select(d => System.Text.Encoding.UTF8.GetString(d)), Does.Contain("after"));
    }
}
