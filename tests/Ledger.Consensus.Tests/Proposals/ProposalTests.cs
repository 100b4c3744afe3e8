using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Proposals;

/// <summary>Client proposals: forwarding (§6.2), refusals and the uncommitted-bytes bound.</summary>
public sealed class ProposalTests
{
    [Test]
    public void Follower_ForwardsProposalToLeader_WhichCommitsIt()
    {
        // §6.2: "If a client contacts a follower, the follower ... forwards the request to the leader" (etcd-style forwarding).
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        cluster.Propose(2, "via-follower");
        cluster.Stabilize();

        Assert.That(cluster.Delivered.Any(m => m is { Type: MessageType.Prop, From: 2, To: 1 }), Is.True);
        Assert.That(cluster[3].State, Is.EqualTo(new[] { "via-follower" }));
    }

    [Test]
    public void Follower_WithForwardingDisabled_DropsProposal()
    {
        var cluster = TestCluster.Create(3, c => c with { DisableProposalForwarding = true });
        cluster.Elect(1);

        var refused = !cluster[2].Node.TryPropose(new byte[] { 1 }, out var reason);

        Assert.That(refused, Is.True);
        Assert.That(reason, Is.EqualTo(ProposalDropReason.ForwardingDisabled));
    }

    [Test]
    public void Propose_WithoutKnownLeader_ThrowsNoLeader()
    {
        var cluster = TestCluster.Create(3);

        var error = Assert.Throws<ProposalDroppedException>(() => cluster.Propose(1, "x"));

        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.NoLeader));
    }

    [Test]
    public void Propose_OnCandidate_ThrowsNoLeader()
    {
        var cluster = TestCluster.Create(3);
        cluster[1].Node.Campaign();

        Assert.That(cluster[1].Node.TryPropose(new byte[] { 1 }, out var reason), Is.False);
        Assert.That(reason, Is.EqualTo(ProposalDropReason.NoLeader));
    }

    [Test]
    public void Propose_BeyondUncommittedBytesLimit_IsRefused_UntilEntriesCommit()
    {
        var cluster = TestCluster.Create(3, c => c with { MaxUncommittedEntriesBytes = 1000, MaxBytesPerAppend = 1000 });
        var leader = cluster.Elect(1);
        cluster.Isolate(1);
        leader.Node.Propose(new byte[600]);

        var error = Assert.Throws<ProposalDroppedException>(() => leader.Node.Propose(new byte[600]));
        Assert.That(error!.Reason, Is.EqualTo(ProposalDropReason.UncommittedBytesLimit));

        cluster.Heal();
        cluster.Tick(2);
        Assert.That(() => leader.Node.Propose(new byte[600]), Throws.Nothing);
    }

    [Test]
    public void Propose_OversizedSingleEntry_IsAdmittedWhenNothingIsPending()
    {
        // Otherwise an entry larger than the limit could never be proposed.
        var cluster = TestCluster.Create(3, c => c with { MaxUncommittedEntriesBytes = 1000, MaxBytesPerAppend = 1000 });
        var leader = cluster.Elect(1);

        Assert.That(() => leader.Node.Propose(new byte[5000]), Throws.Nothing);
    }

    [Test]
    public void Step_LocalMessageFromNetwork_IsIgnored()
    {
        var peer = TestPeer.Create(1, [1, 2, 3]);

        var accepted = peer.Node.Step(new Message { Type = MessageType.Hup, From = 2, To = 1 });

        Assert.That(accepted, Is.False);
        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Follower));
    }

    [Test]
    public void Step_ResponseFromNodeOutsideConfiguration_IsIgnored()
    {
        var peer = TestPeer.Create(1, [1, 2, 3]);
        peer.Node.Campaign();

        var accepted = peer.Node.Step(new Message { Type = MessageType.VoteResp, From = 9, To = 1, Term = 1 });

        Assert.That(accepted, Is.False);
    }

    [Test]
    public void ManyProposalsInOneReady_AreSentAsOneAppendPerFollower()
    {
        // Batching: proposals between two Readies travel together.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        for (var i = 0; i < 50; i++)
        {
            leader.Node.Propose(new byte[] { (byte)i });
        }

        var appends = cluster.Take(m => m.Type == MessageType.App);
        Assert.That(appends, Has.Count.EqualTo(2));
        Assert.That(appends.All(m => m.Entries.Length == 50), Is.True);
    }
}
