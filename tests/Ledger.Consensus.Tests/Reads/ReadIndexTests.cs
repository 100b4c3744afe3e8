using System.Text;
using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Reads;

/// <summary>Linearizable reads without writing to the log, dissertation §6.4 (ReadIndex) and §6.4.1 (leases).</summary>
public sealed class ReadIndexTests
{
    private static readonly byte[] ContextA = Encoding.UTF8.GetBytes("read-a");
    private static readonly byte[] ContextB = Encoding.UTF8.GetBytes("read-b");

    [Test]
    public void ReadIndex_Leader_ConfirmsLeadershipWithHeartbeatQuorum_ThenReturnsCommitIndex()
    {
        // §6.4 steps 2-3: save commitIndex as readIndex, then send a round of heartbeats and wait for a majority.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Stabilize();

        leader.Node.ReadIndex(ContextA);
        var heartbeats = cluster.Take(m => m.Type == MessageType.Heartbeat);

        Assert.That(leader.ReadStates, Is.Empty, "not before a quorum confirms leadership");
        Assert.That(heartbeats.Select(m => m.To), Is.EquivalentTo(new[] { 2UL, 3UL }));
        Assert.That(heartbeats.All(m => !m.Context.IsEmpty), Is.True);

        foreach (var heartbeat in heartbeats)
        {
            cluster.Deliver(heartbeat);
        }

        cluster.Stabilize();
        var state = leader.ReadStates.Single();
        Assert.That(state.Index, Is.EqualTo(leader.Node.Committed));
        Assert.That(state.RequestContext.ToArray(), Is.EqualTo(ContextA));
    }

    [Test]
    public void ReadIndex_LeaderCutOffFromQuorum_NeverAnswers()
    {
        // A deposed leader that does not know it yet must not serve stale reads.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(1);

        leader.Node.ReadIndex(ContextA);
        cluster.Tick(5);

        Assert.That(leader.ReadStates, Is.Empty);
    }

    [Test]
    public void ReadIndex_BeforeLeaderCommitsAnEntryOfItsTerm_WaitsForTheNoop()
    {
        // §6.4 step 1: "If the leader has not yet marked an entry from its current term committed, it waits until it has done so."
        var cluster = TestCluster.Create(3);
        cluster.DropFilter = m => m.Type == MessageType.AppResp;
        var leader = cluster.Elect(1);
        Assert.That(leader.Node.Committed, Is.LessThan(leader.Node.LastIndex));

        leader.Node.ReadIndex(ContextA);
        cluster.Tick(2);
        Assert.That(leader.ReadStates, Is.Empty);

        cluster.DropFilter = null;
        cluster.Tick(2);

        Assert.That(leader.ReadStates.Single().Index, Is.GreaterThanOrEqualTo(1UL));
        Assert.That(leader.ReadStates.Single().Index, Is.LessThanOrEqualTo(leader.Node.Committed));
    }

    [Test]
    public void ReadIndex_OnFollower_IsForwardedToLeader_AndAnsweredWithLeadersIndex()
    {
        // §6.4: followers "issue a request to the leader to learn the current readIndex".
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Stabilize();

        cluster[2].Node.ReadIndex(ContextB);
        cluster.Stabilize();

        Assert.That(cluster.Delivered.Any(m => m is { Type: MessageType.ReadIndex, From: 2, To: 1 }), Is.True);
        var state = cluster[2].ReadStates.Single();
        Assert.That(state.Index, Is.EqualTo(leader.Node.Committed));
        Assert.That(state.RequestContext.ToArray(), Is.EqualTo(ContextB));
        Assert.That(leader.ReadStates, Is.Empty);
    }

    [Test]
    public void ReadIndex_WithoutLeader_ThrowsNoLeader()
    {
        var cluster = TestCluster.Create(3);

        var error = Assert.Throws<ProposalDroppedException>(() => cluster[1].Node.ReadIndex(ContextA));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.NoLeader));
    }

    [Test]
    public void ReadIndex_LeaseBased_AnswersWithoutAHeartbeatRound()
    {
        // §6.4.1: with a lease the leader skips the heartbeat round (relies on bounded clock drift).
        var cluster = TestCluster.Create(3, c => c with { CheckQuorum = true, ReadOnlyOption = ReadOnlyOption.LeaseBased });
        var leader = cluster.Elect(1);

        leader.Node.ReadIndex(ContextA);
        leader.Process();

        Assert.That(leader.ReadStates.Single().Index, Is.EqualTo(leader.Node.Committed));
    }

    [Test]
    public void ReadIndex_SingleVoter_AnswersImmediately()
    {
        var cluster = TestCluster.Create(1);
        var leader = cluster.Elect(1);

        leader.Node.ReadIndex(ContextA);
        leader.Process();

        Assert.That(leader.ReadStates.Single().Index, Is.EqualTo(leader.Node.Committed));
    }

    [Test]
    public void ReadIndex_TooManyPending_ThrowsTooManyPendingReads()
    {
        var cluster = TestCluster.Create(3, c => c with { MaxPendingReadIndexRequests = 2 });
        var leader = cluster.Elect(1);
        cluster.Isolate(1);
        leader.Node.ReadIndex(ContextA);
        leader.Node.ReadIndex(ContextA);

        var error = Assert.Throws<ProposalDroppedException>(() => leader.Node.ReadIndex(ContextA));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.TooManyPendingReads));
    }

    [Test]
    public void ReadIndex_SeveralRequests_AreAllAnsweredInOrder()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        leader.Node.ReadIndex(ContextA);
        leader.Node.ReadIndex(ContextB);
        cluster.Stabilize();

        Assert.That(leader.ReadStates.Select(s => Encoding.UTF8.GetString(s.RequestContext.Span)), Is.EqualTo(new[] { "read-a", "read-b" }));
    }
}
