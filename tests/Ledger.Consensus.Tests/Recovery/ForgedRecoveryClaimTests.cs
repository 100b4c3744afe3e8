using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Recovery;

/// <summary>
/// Nothing one insider sends may halt a node for good. A hostile voter (or a hostile leader) can claim that honest
/// nodes acknowledged positions they never reached; Raft is not Byzantine-tolerant, so the claim is believed while it is
/// re-asserted, but once its sender goes quiet the honest majority elects and commits again within a bounded number of
/// ticks, and a later honest leader clears what it left behind.
/// </summary>
public sealed class ForgedRecoveryClaimTests
{
    /// <summary>A claim no honest log will ever reach in its term.</summary>
    private const ulong UnreachableIndex = 1UL << 62;

    /// <summary>
    /// Ticks after the forger goes silent within which the honest pair must lead and commit again: the claim lapses
    /// after <see cref="RaftNode.PeerClaimHoldElectionTimeouts"/> election timeouts, then a few randomized election
    /// timeouts (each below 2 * ElectionTicks) for an election.
    /// </summary>
    private static int LivenessBoundTicks(RaftConfig config) => (RaftNode.PeerClaimHoldElectionTimeouts + 6) * 2 * config.ElectionTicks;

    /// <summary>Voters 1..3 at incarnation 1, node 1 leading term 1, entries 1 (no-op) to 4 committed everywhere.</summary>
    private static TestCluster CommittedCluster()
    {
        var cluster = TestCluster.Create(3, c => c with { Incarnation = 1 });
        cluster.Elect(1);
        foreach (var text in new[] { "a", "b", "c" })
        {
            cluster.Propose(1, text);
        }

        cluster.Stabilize();
        Assert.That(cluster.Peers.Select(p => p.Node.Committed), Is.All.EqualTo(4UL), "setup: everything committed");
        return cluster;
    }

    /// <summary>Ticks the honest nodes (the silent forger is isolated) until one leads and commits a new entry; returns the ticks used or -1.</summary>
    private static int TicksUntilHonestCommit(TestCluster cluster, ulong silent, int boundTicks)
    {
        cluster.Isolate(silent);
        var proposed = false;
        for (var tick = 1; tick <= boundTicks; tick++)
        {
            cluster.Tick(1);
            var leader = cluster.Peers.FirstOrDefault(p => p.Id != silent && p.Node.Role == RaftRole.Leader);
            if (leader is null)
            {
                continue;
            }

            if (!proposed)
            {
                cluster.Propose(leader.Id, "after the attack");
                proposed = true;
                var goal = leader.Node.LastIndex;
                cluster.Stabilize();
                if (cluster.Peers.Where(p => p.Id != silent).All(p => p.Node.Committed >= goal))
                {
                    return tick;
                }
            }
            else if (cluster.Peers.Where(p => p.Id != silent).All(p => p.Node.Committed == leader.Node.LastIndex))
            {
                return tick;
            }
        }

        return -1;
    }

    [TestCase(MessageType.Vote)]
    [TestCase(MessageType.PreVote)]
    public void HonestPair_ForgedVoteRequestClaimsToBoth_ElectsAndCommitsAfterTheForgerGoesSilent(MessageType request)
    {
        // Arrange: node 3 tells nodes 1 and 2 they acknowledged a position no log will reach.
        var cluster = CommittedCluster();
        foreach (var victim in new ulong[] { 1, 2 })
        {
            cluster.Deliver(new Message
            {
                Type = request, From = 3, To = victim, Term = 2, Index = 4, LogTerm = 1,
                AckedWatermark = new LogPosition(UnreachableIndex, 1),
            });
        }

        cluster.Stabilize();
        Assert.That(cluster[1].Node.Status.Recovering || cluster[2].Node.Status.Recovering, Is.True, "setup: the claim is believed while fresh");

        // Act
        var ticks = TicksUntilHonestCommit(cluster, silent: 3, LivenessBoundTicks(cluster[1].Config));

        // Assert
        Assert.That(ticks, Is.GreaterThan(0), "the honest pair never led and committed again");
        Assert.That(cluster[1].Node.Status.Recovering, Is.False);
        Assert.That(cluster[2].Node.Status.Recovering, Is.False);
    }

    [Test]
    public void HonestPair_ForgedRefusalClaims_ElectsAndCommitsAfterTheForgerGoesSilent()
    {
        // Arrange: nodes 2 and 3 each campaign; node 1 (the old leader) refuses both and claims the candidate forgot an unreachable position.
        var cluster = CommittedCluster();
        foreach (var candidate in new ulong[] { 2, 3 })
        {
            cluster[candidate].Node.Campaign();
            cluster[candidate].Node.Step(new Message
            {
                Type = MessageType.VoteResp, From = 1, To = candidate, Term = cluster[candidate].Node.Term, Reject = true,
                AckedWatermark = new LogPosition(UnreachableIndex, 1),
            });
        }

        cluster.Take(_ => true);
        Assert.That(cluster[2].Node.Status.Recovering && cluster[3].Node.Status.Recovering, Is.True, "setup: both believe it while fresh");

        // Act
        var ticks = TicksUntilHonestCommit(cluster, silent: 1, LivenessBoundTicks(cluster[2].Config));

        // Assert
        Assert.That(ticks, Is.GreaterThan(0), "the honest pair never led and committed again");
    }

    [Test]
    public void HonestPair_HostileLeaderGossipsForgedWatermarksThenStops_ElectsAndTheNewLeaderClearsThem()
    {
        // Arrange: node 3 leads term 2 and gossips that everyone (itself included) acknowledged an unreachable position.
        var cluster = CommittedCluster();
        cluster[3].Node.Campaign();
        cluster.Stabilize();
        Assert.That(cluster[3].Node.Role, Is.EqualTo(RaftRole.Leader), "setup");
        var forged = new LogPosition(UnreachableIndex, cluster[3].Node.Term);
        foreach (var victim in new ulong[] { 1, 2 })
        {
            cluster.Deliver(new Message
            {
                Type = MessageType.Heartbeat, From = 3, To = victim, Term = cluster[3].Node.Term, Commit = 5,
                Index = forged.Index, LogTerm = forged.Term,
                Watermarks = AcknowledgedWatermarks.Of([new(1, forged), new(2, forged), new(3, forged)]),
            });
        }

        cluster.Stabilize();
        Assert.That(cluster[1].Node.Status.Recovering && cluster[2].Node.Status.Recovering, Is.True, "setup: the leader's word is believed");

        // Act
        var ticks = TicksUntilHonestCommit(cluster, silent: 3, LivenessBoundTicks(cluster[1].Config));

        // Assert
        Assert.That(ticks, Is.GreaterThan(0), "the honest pair never led and committed again");
        foreach (var id in new ulong[] { 1, 2 })
        {
            Assert.That(cluster[id].Node.Status.Recovering, Is.False, $"node {id}");
            Assert.That(cluster[id].Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None), $"node {id}: nothing forged stays on disk");
        }
    }

    [Test]
    public void Node_ForgedVoteClaim_IsNotPersistedAndIsGoneAfterRestart()
    {
        var cluster = CommittedCluster();
        cluster.Deliver(new Message
        {
            Type = MessageType.Vote, From = 3, To = 2, Term = 2, Index = 4, LogTerm = 1,
            AckedWatermark = new LogPosition(UnreachableIndex, 1),
        });
        cluster.Stabilize();
        Assert.That(cluster[2].Node.Status.Recovering, Is.True, "setup");

        cluster[2].Restart(c => c with { Incarnation = 2 });

        Assert.That(cluster[2].Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None));
        Assert.That(cluster[2].Node.Status.Recovering, Is.False);
    }

    [Test]
    public void Voter_ClaimFromASenderMarkedRecovering_IsIgnored()
    {
        var voter = TestPeer.Create(1, [1, 2, 3], logTerms: [1, 1], hardState: new HardState(1, 0, 2));

        voter.StepAndCollect(new Message
        {
            Type = MessageType.Vote, From = 2, To = 1, Term = 2, Index = 2, LogTerm = 1, Recovering = true,
            AckedWatermark = new LogPosition(UnreachableIndex, 1),
        });

        Assert.That(voter.Node.Status.Recovering, Is.False, "a node that may itself have forgotten is no witness");
    }

    [Test]
    public void Voter_ClaimNotReasserted_LapsesAfterTheHoldAndTheVoterGrantsAgain()
    {
        // Arrange: node 3 claims node 1 acknowledged an unreachable position, then goes quiet.
        var voter = TestPeer.Create(1, [1, 2, 3], logTerms: [1, 1], hardState: new HardState(1, 0, 2));
        voter.StepAndCollect(new Message
        {
            Type = MessageType.Vote, From = 3, To = 1, Term = 2, Index = 2, LogTerm = 1,
            AckedWatermark = new LogPosition(UnreachableIndex, 1),
        });
        var refused = voter.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 3, Index = 2, LogTerm = 1 });
        Assert.That(refused.Single().Reject, Is.True, "setup: bound while held");

        // Act
        for (var tick = 0; tick < RaftNode.PeerClaimHoldElectionTimeouts * voter.Config.ElectionTicks; tick++)
        {
            voter.Node.Tick();
        }

        voter.Process();
        var granted = voter.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 9, Index = 2, LogTerm = 1 });

        // Assert: it doubts (says recovering, not counted toward commit) but votes again.
        Assert.That(granted.Single().Reject, Is.False);
        Assert.That(granted.Single().Recovering, Is.True);
        Assert.That(voter.Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None), "never persisted");
    }
}
