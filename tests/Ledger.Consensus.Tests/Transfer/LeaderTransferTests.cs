using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Transfer;

/// <summary>Leadership transfer, dissertation §3.10.</summary>
public sealed class LeaderTransferTests
{
    private static RaftConfig Guarded(RaftConfig c) => c with { PreVote = true, CheckQuorum = true };

    [Test]
    public void LeaderTransfer_UpToDateTarget_ReceivesTimeoutNow_AndBecomesLeader()
    {
        // §3.10: "the prior leader sends a TimeoutNow request to the target server ... the target server
        // starts a new election" — even though its peers heard from a leader recently (pre-vote and lease bypassed).
        var cluster = TestCluster.Create(3, Guarded);
        cluster.Elect(1);

        cluster[1].Node.TransferLeadership(3);
        cluster.Stabilize();

        Assert.That(cluster.Delivered.Any(m => m is { Type: MessageType.TimeoutNow, To: 3 }), Is.True);
        Assert.That(cluster[3].Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster[1].Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(cluster[1].Node.Leader, Is.EqualTo(3UL));
    }

    [Test]
    public void LeaderTransfer_LaggingTarget_IsCaughtUpBeforeTimeoutNow()
    {
        // §3.10 step 1: "The prior leader ... transfers its log entries to the target server".
        var cluster = TestCluster.Create(3, Guarded);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        cluster.Heal();

        cluster[1].Node.TransferLeadership(3);
        cluster.Stabilize();

        var timeoutNowPosition = cluster.Delivered.FindIndex(m => m.Type == MessageType.TimeoutNow);
        var lastAppendToTarget = cluster.Delivered.FindLastIndex(timeoutNowPosition, m => m is { Type: MessageType.App, To: 3 } && m.Entries.Length > 0);
        Assert.That(lastAppendToTarget, Is.GreaterThanOrEqualTo(0).And.LessThan(timeoutNowPosition));
        Assert.That(cluster[3].Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster[3].AppliedData().Select(d => System.Text.Encoding.UTF8.GetString(d)), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void LeaderTransfer_LeaderRefusesProposals_WhileTransferring()
    {
        // §3.10: the prior leader stops accepting new client requests during the transfer.
        var cluster = TestCluster.Create(3, Guarded);
        cluster.Elect(1);
        cluster.Isolate(3);

        cluster[1].Node.TransferLeadership(3);
        var error = Assert.Throws<ProposalDroppedException>(() => cluster.Propose(1, "during"));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.LeaderTransferring));
        Assert.That(cluster[1].Node.Status.LeadTransferee, Is.EqualTo(3UL));
    }

    [Test]
    public void LeaderTransfer_AbortsAfterAnElectionTimeout_AndProposalsResume()
    {
        // §3.10: "If the transfer does not complete within an election timeout, the prior leader aborts
        // the transfer and resumes accepting client requests."
        var cluster = TestCluster.Create(3, Guarded);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        leader.Node.TransferLeadership(3);

        cluster.TickOne(1, leader.Config.ElectionTicks);

        Assert.That(leader.Node.Status.LeadTransferee, Is.EqualTo(0UL));
        Assert.That(() => cluster.Propose(1, "after"), Throws.Nothing);
        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
    }

    [Test]
    public void LeaderTransfer_ToLearner_IsIgnored()
    {
        var cluster = TestCluster.Create(3, Guarded, learners: [4]);
        cluster.Elect(1);

        cluster[1].Node.TransferLeadership(4);

        Assert.That(cluster[1].Node.Status.LeadTransferee, Is.EqualTo(0UL));
    }

    [Test]
    public void LeaderTransfer_ToItself_IsANoop()
    {
        var cluster = TestCluster.Create(3, Guarded);
        cluster.Elect(1);

        cluster[1].Node.TransferLeadership(1);
        cluster.Stabilize();

        Assert.That(cluster[1].Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster[1].Node.Status.LeadTransferee, Is.EqualTo(0UL));
    }

    [Test]
    public void LeaderTransfer_RequestedOnFollower_IsForwardedToTheLeader()
    {
        var cluster = TestCluster.Create(3, Guarded);
        cluster.Elect(1);

        cluster[2].Node.TransferLeadership(2);
        cluster.Stabilize();

        Assert.That(cluster[2].Node.Role, Is.EqualTo(RaftRole.Leader));
    }

    [Test]
    public void TimeoutNow_OnLearner_DoesNotStartAnElection()
    {
        var cluster = TestCluster.Create(3, Guarded, learners: [4]);
        cluster.Elect(1);

        cluster[4].StepAndCollect(new Message { Type = MessageType.TimeoutNow, From = 1, To = 4, Term = 1 });

        Assert.That(cluster[4].Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(cluster[4].Node.Term, Is.EqualTo(1UL));
    }
}
