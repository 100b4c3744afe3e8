using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Election;

/// <summary>Heartbeats keep followers from campaigning (§3.4) and carry the commit index (§3.5).</summary>
public sealed class HeartbeatTests
{
    [Test]
    public void Leader_SendsHeartbeats_EveryHeartbeatInterval()
    {
        // §3.4: "Leaders send periodic heartbeats ... to all followers in order to maintain their authority."
        var cluster = TestCluster.Create(3, c => c with { HeartbeatTicks = 2 });
        var leader = cluster.Elect(1);

        leader.Node.Tick();
        var afterOne = cluster.Take(m => m.Type == MessageType.Heartbeat);
        leader.Node.Tick();
        var afterTwo = cluster.Take(m => m.Type == MessageType.Heartbeat);

        Assert.That(afterOne, Is.Empty);
        Assert.That(afterTwo.Select(m => m.To), Is.EquivalentTo(new[] { 2UL, 3UL }));
    }

    [Test]
    public void Follower_ReceivingHeartbeats_NeverCampaigns()
    {
        // §3.4: "A server remains in follower state as long as it receives valid RPCs from a leader."
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        cluster.Tick(200);

        Assert.That(cluster[1].Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Peers.All(p => p.Node.Term == 1), Is.True);
    }

    [Test]
    public void Follower_LosingTheLeader_CampaignsWithinTwoElectionTimeouts()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(1);

        cluster.Tick(2 * cluster[2].Config.ElectionTicks);

        Assert.That(cluster.Peers.Where(p => p.Id != 1).Max(p => p.Node.Term), Is.GreaterThan(1UL));
    }

    [Test]
    public void Heartbeat_PropagatesCommitIndex_ToFollowers()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.DropFilter = m => m is { Type: MessageType.App, To: 3 } && m.Entries.Length == 0;
        cluster.Propose(1, "x");
        cluster.Stabilize();
        var before = cluster[3].Node.Committed;

        cluster.Tick(1);

        Assert.That(cluster[3].Node.Committed, Is.EqualTo(leader.Node.Committed));
        Assert.That(cluster[3].Node.Committed, Is.GreaterThanOrEqualTo(before));
    }

    [Test]
    public void Leader_NeverOverwritesOrDeletesItsEntries_WhileLeading()
    {
        // §3.5 Leader Append-Only, observed on storage across a busy run.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var seen = new List<(ulong Index, ulong Term)>();

        for (var i = 0; i < 20; i++)
        {
            cluster.Propose(1, $"e{i}");
            cluster.Tick(1);
            for (var index = 1UL; index <= leader.Storage.LastIndex(); index++)
            {
                if ((int)index > seen.Count)
                {
                    seen.Add((index, leader.Storage.Term(index)));
                }

                Assert.That(leader.Storage.Term(index), Is.EqualTo(seen[(int)index - 1].Term));
            }
        }

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
    }

    [Test]
    public void LogMatching_AllNodesHoldIdenticalLogs_AfterChurn()
    {
        // §3.5 Log Matching: same index and term implies identical preceding entries.
        var cluster = TestCluster.Create(5);
        for (ulong round = 1; round <= 4; round++)
        {
            var leaderId = round;
            cluster.Elect(leaderId);
            cluster.Isolate(leaderId);
            cluster.Propose(leaderId, $"lost-{round}");
            cluster.Stabilize();
            cluster.Heal();
            cluster.Elect(leaderId % 5 + 1);
            cluster.Propose(leaderId % 5 + 1, $"kept-{round}");
            cluster.Stabilize();
            cluster.Tick(2);
        }

        var reference = cluster[1].Storage;
        foreach (var peer in cluster.Peers)
        {
            Assert.That(peer.Storage.LastIndex(), Is.EqualTo(reference.LastIndex()), $"peer {peer.Id}");
            for (var index = 1UL; index <= reference.LastIndex(); index++)
            {
                Assert.That(peer.Storage.Term(index), Is.EqualTo(reference.Term(index)), $"peer {peer.Id} index {index}");
            }

            Assert.That(peer.State.Where(s => s.StartsWith("lost", StringComparison.Ordinal)), Is.Empty);
        }
    }
}
