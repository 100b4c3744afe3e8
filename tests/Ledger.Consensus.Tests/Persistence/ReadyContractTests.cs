using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Persistence;

/// <summary>The Ready/Advance contract and what must be durable before messages leave (§3.8, etcd doc.go).</summary>
public sealed class ReadyContractTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    [Test]
    public void VoteGrant_IsInTheSameReady_AsTheHardStateRecordingIt()
    {
        // §3.8 / Figure 3.1: "Updated on stable storage before responding to RPCs": currentTerm, votedFor.
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Step(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });

        var ready = peer.Node.GetReady();

        Assert.That(ready.MessagesAfterPersist.Single().Type, Is.EqualTo(MessageType.VoteResp));
        Assert.That(ready.MessagesBeforePersist, Is.Empty);
        Assert.That(ready.HardState, Is.EqualTo(new HardState(1, 2, 0)));
        Assert.That(ready.MustSync, Is.True);
    }

    [Test]
    public void AppendAck_IsInTheSameReady_AsTheEntriesItAcknowledges()
    {
        var peer = TestPeer.Create(2, ThreeVoters);
        peer.Node.Step(new Message
        {
            Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 0, LogTerm = 0,
            Entries = [new Entry(1, 1, EntryType.Normal, new byte[] { 1 })],
        });

        var ready = peer.Node.GetReady();

        Assert.That(ready.Entries.Select(e => e.Index), Is.EqualTo(new[] { 1UL }));
        Assert.That(ready.MessagesAfterPersist.Single().Type, Is.EqualTo(MessageType.AppResp));
        Assert.That(ready.MessagesBeforePersist, Is.Empty);
        Assert.That(ready.MustSync, Is.True);
    }

    [Test]
    public void GetReady_BeforeAdvance_Throws_AndHasReadyIsFalse()
    {
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Campaign();
        peer.Node.GetReady();

        Assert.That(peer.Node.HasReady(), Is.False);
        Assert.Throws<InvalidOperationException>(() => peer.Node.GetReady());
    }

    [Test]
    public void Advance_WithAForeignReady_Throws()
    {
        var a = TestPeer.Create(1, ThreeVoters);
        var b = TestPeer.Create(1, ThreeVoters);
        a.Node.Campaign();
        b.Node.Campaign();
        var readyOfB = b.Node.GetReady();
        a.Node.GetReady();

        Assert.Throws<InvalidOperationException>(() => a.Node.Advance(readyOfB));
    }

    [Test]
    public void SoftState_IsReportedOnlyWhenItChanges()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var readies = cluster[1].Readies;

        Assert.That(readies.Count(r => r.SoftState is { Role: RaftRole.Leader }), Is.EqualTo(1));
        cluster.Propose(1, "x");
        cluster.Stabilize();
        Assert.That(readies[^1].SoftState, Is.Null);
    }

    [Test]
    public void CommittedEntries_AreDeliveredOnce_InOrder()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(1 + (ulong)(i % 3), $"e{i}");
            cluster.Stabilize();
        }

        foreach (var peer in cluster.Peers)
        {
            var indexes = peer.Applied.Select(e => e.Index).ToList();
            Assert.That(indexes, Is.Ordered.Ascending);
            Assert.That(indexes, Is.Unique);
            Assert.That(indexes.Last(), Is.EqualTo(peer.Node.Committed));
        }
    }

    [Test]
    public void CommittedEntriesPerReady_AreBoundedByBytes_ButNeverEmpty()
    {
        var cluster = TestCluster.Create(1, c => c with { MaxCommittedBytesPerReady = 50 });
        cluster.Elect(1);
        for (var i = 0; i < 5; i++)
        {
            cluster[1].Node.Propose(new byte[40]);
        }

        cluster.Stabilize();

        var withCommitted = cluster[1].Readies.Where(r => r.CommittedEntries.Count > 0).ToList();
        Assert.That(withCommitted.All(r => r.CommittedEntries.Count == 1 || r.CommittedEntries.Sum(e => e.SizeBytes) <= 50), Is.True);
        Assert.That(cluster[1].AppliedData().Count(), Is.EqualTo(5));
    }

    [Test]
    public void Restart_KeepsTermAndVote_SoTheNodeDoesNotVoteTwiceInATerm()
    {
        // §3.8: votedFor is persistent state; a restarted server must remember its vote.
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });

        peer.Restart();
        var sent = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 1, Term = 1 });

        Assert.That(peer.Node.Term, Is.EqualTo(1UL));
        Assert.That(sent.Single().Reject, Is.True);
    }

    [Test]
    public void Bug_ForgetVoteOnRestart_VotesTwiceInATerm()
    {
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { Bugs = RaftBugs.ForgetVoteOnRestart });
        peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });

        peer.Restart();
        var sent = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 1, Term = 1 });

        Assert.That(sent.Single().Reject, Is.False);
    }

    [Test]
    public void Bug_SendBeforePersist_PutsTheVoteGrantAmongTheMessagesThatLeaveBeforePersistence()
    {
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { Bugs = RaftBugs.SendBeforePersist });
        peer.Node.Step(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });

        var ready = peer.Node.GetReady();

        Assert.That(ready.MessagesBeforePersist.Single().Type, Is.EqualTo(MessageType.VoteResp));
        Assert.That(ready.MessagesAfterPersist, Is.Empty);
        Assert.That(ready.HardState, Is.EqualTo(new HardState(1, 2, 0)));
    }

    [Test]
    public void Bug_SendBeforePersist_CrashBeforeTheWrite_LetsANodeVoteTwice()
    {
        // How the simulator sees the bug: send the early messages, crash before the Ready is persisted.
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { Bugs = RaftBugs.SendBeforePersist });
        peer.Node.Step(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });
        var ready = peer.Node.GetReady();
        Assert.That(ready.MessagesBeforePersist.Single().Reject, Is.False);

        peer.Restart();
        var sent = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 1, Term = 1 });

        Assert.That(sent.Single().Reject, Is.False, "the grant to node 2 was never made durable");
    }

    [Test]
    public void Bugs_AreOffByDefault()
    {
        Assert.That(new RaftConfig().Bugs, Is.EqualTo(RaftBugs.None));
        Assert.That(TestCluster.Config(1).Bugs, Is.EqualTo(RaftBugs.None));
    }

    [Test]
    public void Restart_ReappliesCommittedEntriesFromStorage_UnlessAppliedIsConfigured()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        var committed = cluster[2].Node.Committed;

        cluster[2].Restart();
        cluster[2].Process();
        Assert.That(cluster[2].Applied.Last().Index, Is.EqualTo(committed));

        cluster[2].Restart(c => c with { Applied = committed });
        cluster[2].Process();
        Assert.That(cluster[2].Applied, Is.Empty);
    }

    [Test]
    public void Restart_WithPersistedCommitBeyondLog_ThrowsInvariant()
    {
        var storage = MemoryRaftLogStorage.WithVoters(1, 2, 3);
        storage.SetHardState(new HardState(1, 0, 5));

        Assert.Throws<RaftInvariantException>(() => new RaftNode(TestCluster.Config(1), storage));
    }
}
