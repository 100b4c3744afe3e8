using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Commit;

/// <summary>Committing entries from previous terms, dissertation §3.6.2 (Figure 3.7).</summary>
public sealed class CommitRuleTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    [Test]
    public void Leader_DoesNotCommitPriorTermEntry_ByCountingReplicas()
    {
        // §3.6.2: "Raft never commits log entries from previous terms by counting replicas."
        var leader = ElectLeaderWithPriorTermEntry(RaftBugs.None);

        leader.StepAndCollect(new Message { Type = MessageType.AppResp, From = 2, To = 1, Term = 3, Index = 2 });

        Assert.That(leader.Storage.Term(2), Is.EqualTo(2UL));
        Assert.That(leader.Node.Committed, Is.EqualTo(1UL), "index 2 is on a majority but from term 2");
    }

    [Test]
    public void Leader_CommitsPriorTermEntries_OnceAnEntryOfItsTermCommits()
    {
        // §3.6.2: "once an entry from the current term has been committed ... all prior entries are committed indirectly."
        var leader = ElectLeaderWithPriorTermEntry(RaftBugs.None);

        leader.StepAndCollect(new Message { Type = MessageType.AppResp, From = 2, To = 1, Term = 3, Index = 2 });
        leader.StepAndCollect(new Message { Type = MessageType.AppResp, From = 2, To = 1, Term = 3, Index = 3 });

        Assert.That(leader.Node.Committed, Is.EqualTo(3UL));
        Assert.That(leader.Applied.Select(e => e.Index), Is.EqualTo(new[] { 1UL, 2UL, 3UL }));
    }

    [Test]
    public void Bug_CommitPriorTermEntryByCounting_CommitsTheOldEntry()
    {
        // The test-only switch must really break §3.6.2, or the simulator's checker proves nothing.
        var leader = ElectLeaderWithPriorTermEntry(RaftBugs.CommitPriorTermEntryByCounting);

        leader.StepAndCollect(new Message { Type = MessageType.AppResp, From = 2, To = 1, Term = 3, Index = 2 });

        Assert.That(leader.Node.Committed, Is.EqualTo(2UL));
    }

    [Test]
    public void Figure3_7_MajorityReplicatedPriorTermEntry_IsNotCommitted_AndMayBeOverwritten()
    {
        // The Figure 3.7 history: S1 led term 2 and wrote index 2; S5 led term 3 and wrote its own index 2.
        // S1 returns as leader and spreads its term-2 entry to a majority. Counting replicas would commit
        // it, yet S5 can still win an election and overwrite it.
        ulong[] voters = [1, 2, 3, 4, 5];
        var s1 = TestPeer.Create(1, voters, c => c with { MaxEntriesPerAppend = 1 }, logTerms: [1, 2], hardState: new HardState(4, 1, 1));
        var s2 = TestPeer.Create(2, voters, logTerms: [1, 2], hardState: new HardState(4, 1, 1));
        var s3 = TestPeer.Create(3, voters, logTerms: [1], hardState: new HardState(4, 1, 1));
        var s4 = TestPeer.Create(4, voters, logTerms: [1], hardState: new HardState(3, 5, 1));
        var s5 = TestPeer.Create(5, voters, logTerms: [1, 3], hardState: new HardState(3, 5, 1));
        var cluster = new TestCluster([s1, s2, s3, s4, s5]);

        // S1 leads term 5 with S2 and S3; S3 receives index 2 but never S1's no-op at index 3.
        cluster.Isolate(5);
        cluster.Isolate(4);
        cluster.DropFilter = m => m.Type == MessageType.App && m.To == 3 && m.Entries.Any(e => e.Index >= 3) && s3.Storage.LastIndex() >= 2;
        cluster.Elect(1);

        Assert.That(s3.Storage.Term(2), Is.EqualTo(2UL), "the term-2 entry is on S1, S2, S3: a majority");
        Assert.That(s1.Node.Committed, Is.EqualTo(1UL), "but it is not committed by counting");

        // S1 crashes; S5 (last log term 3) wins a later term and overwrites index 2 everywhere.
        cluster.Heal();
        cluster.DropFilter = null;
        cluster.Isolate(1);
        for (var attempt = 0; attempt < 3 && s5.Node.Role != RaftRole.Leader; attempt++)
        {
            s5.Node.Campaign();
            cluster.Stabilize();
        }

        Assert.That(s5.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(s2.Storage.Term(2), Is.EqualTo(3UL));
        Assert.That(s3.Storage.Term(2), Is.EqualTo(3UL));
    }

    private static TestPeer ElectLeaderWithPriorTermEntry(RaftBugs bugs)
    {
        // Node 1 led term 2 and appended index 2, which reached no one else before it lost leadership.
        var leader = TestPeer.Create(1, ThreeVoters, c => c with { Bugs = bugs }, logTerms: [1, 2], hardState: new HardState(2, 1, 1));
        leader.Node.Campaign();
        leader.Process();
        leader.StepAndCollect(new Message { Type = MessageType.VoteResp, From = 3, To = 1, Term = 3 });
        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(leader.Node.LastIndex, Is.EqualTo(3UL), "no-op of term 3 at index 3");
        return leader;
    }
}
