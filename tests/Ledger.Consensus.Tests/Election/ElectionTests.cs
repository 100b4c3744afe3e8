using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Election;

/// <summary>Leader election, dissertation §3.4 and the voting restriction of §3.6.1.</summary>
public sealed class ElectionTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    [Test]
    public void Follower_ElectionTimeoutElapses_BecomesCandidateAndRequestsVotes()
    {
        // §3.4: "If a follower receives no communication over a period of time called the election
        // timeout, then it ... begins an election": increments its term, votes for itself, sends RequestVote.
        var peer = TestPeer.Create(1, ThreeVoters);

        TickUntilNotFollower(peer.Node, 2 * peer.Config.ElectionTicks);
        var sent = peer.Process();

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Candidate));
        Assert.That(peer.Node.Term, Is.EqualTo(1UL));
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(1UL));
        Assert.That(sent.Select(m => (m.Type, m.To, m.Term)), Is.EquivalentTo(new[]
        {
            (MessageType.Vote, 2UL, 1UL),
            (MessageType.Vote, 3UL, 1UL),
        }));
    }

    [Test]
    public void Candidate_WinsMajority_BecomesLeader_AndAppendsNoopOfItsTerm()
    {
        // §3.4: a candidate that receives votes from a majority becomes leader; §6.4 / §3.6.2: it
        // appends a blank no-op entry at the start of its term.
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Campaign();
        peer.Process();

        var sent = peer.StepAndCollect(new Message { Type = MessageType.VoteResp, From = 2, To = 1, Term = 1 });

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(peer.Node.Leader, Is.EqualTo(1UL));
        var stored = peer.Storage.Entries(1, 2, long.MaxValue);
        Assert.That(stored[0].Term, Is.EqualTo(1UL));
        Assert.That(stored[0].Data.IsEmpty, Is.True);
        Assert.That(sent.Where(m => m.Type == MessageType.App).Select(m => m.To), Is.EquivalentTo(new[] { 2UL, 3UL }));
    }

    [Test]
    public void Candidate_LosesToMajorityRejection_ReturnsToFollower()
    {
        // §3.4: a candidate that cannot win stops being a candidate (here: a majority refused).
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Campaign();
        peer.Process();

        peer.StepAndCollect(new Message { Type = MessageType.VoteResp, From = 2, To = 1, Term = 1, Reject = true });
        peer.StepAndCollect(new Message { Type = MessageType.VoteResp, From = 3, To = 1, Term = 1, Reject = true });

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(peer.Node.Term, Is.EqualTo(1UL));
    }

    [TestCase(3UL, 1UL, TestName = "Candidate_WithStaleLog_IsDeniedVote(lower last term, longer log)")]
    [TestCase(2UL, 2UL, TestName = "Candidate_WithStaleLog_IsDeniedVote(same last term, shorter log)")]
    public void Candidate_WithStaleLog_IsDeniedVote(ulong candidateLastIndex, ulong candidateLastTerm)
    {
        // §3.6.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate."
        var peer = TestPeer.Create(1, ThreeVoters, logTerms: [1, 1, 2]);

        var sent = peer.StepAndCollect(new Message
        {
            Type = MessageType.Vote, From = 2, To = 1, Term = 3, Index = candidateLastIndex + (candidateLastTerm == 1 ? 5UL : 0), LogTerm = candidateLastTerm,
        });

        Assert.That(sent, Has.Count.EqualTo(1));
        Assert.That(sent[0].Type, Is.EqualTo(MessageType.VoteResp));
        Assert.That(sent[0].Reject, Is.True);
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(0UL));
    }

    [Test]
    public void Candidate_WithUpToDateLog_IsGrantedVote()
    {
        // §3.6.1: a log with a later last term, or the same last term and at least the same length, is up to date.
        var peer = TestPeer.Create(1, ThreeVoters, logTerms: [1, 1, 2]);

        var sent = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 3, Index = 3, LogTerm = 2 });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(peer.Storage.HardState, Is.EqualTo(new HardState(3, 2, 0)));
    }

    [Test]
    public void Voter_GrantsAtMostOneVotePerTerm()
    {
        // §3.4: "Each server will vote for at most one candidate in a given term, on a first-come-first-served basis."
        var peer = TestPeer.Create(1, ThreeVoters);

        var first = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });
        var second = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 3, To = 1, Term = 1 });
        var repeat = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 1 });

        Assert.That(first.Single().Reject, Is.False);
        Assert.That(second.Single().Reject, Is.True);
        Assert.That(repeat.Single().Reject, Is.False, "re-granting the same candidate is idempotent");
    }

    [Test]
    public void Candidate_ReceivesAppendFromLeaderOfSameTerm_StepsDown()
    {
        // §3.4: "If the leader's term is at least as large as the candidate's current term, then the
        // candidate recognizes the leader as legitimate and returns to follower state."
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Campaign();
        peer.Process();

        peer.StepAndCollect(new Message { Type = MessageType.App, From = 2, To = 1, Term = 1 });

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(peer.Node.Leader, Is.EqualTo(2UL));
    }

    [Test]
    public void Leader_SeesHigherTerm_AdoptsItAndBecomesFollower()
    {
        // §3.3: "If a candidate or leader discovers that its term is out of date, it immediately reverts to follower state."
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        leader.StepAndCollect(new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5 });

        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(leader.Node.Term, Is.EqualTo(5UL));
        Assert.That(leader.Node.Leader, Is.EqualTo(2UL));
    }

    [Test]
    public void Node_IgnoresRequestFromStaleTerm()
    {
        // §3.3: "If a server receives a request with a stale term number, it rejects the request."
        var peer = TestPeer.Create(1, ThreeVoters, hardState: new HardState(5, 0, 0));

        var sent = peer.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 4 });

        Assert.That(sent, Is.Empty);
        Assert.That(peer.Node.Term, Is.EqualTo(5UL));
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(0UL));
    }

    [Test]
    public void ElectionTimeouts_AreRandomized_BetweenOneAndTwoElectionTimeouts()
    {
        // §3.4: "Raft uses randomized election timeouts ... chosen randomly from a fixed interval."
        var observed = new HashSet<int>();
        for (var seed = 0; seed < 40; seed++)
        {
            var s = seed;
            var peer = TestPeer.Create(1, ThreeVoters, c => c with { Random = new SeededRandomSource(s) });
            var ticks = TickUntilNotFollower(peer.Node, 100);
            Assert.That(ticks, Is.InRange(10, 19));
            observed.Add(ticks);
        }

        Assert.That(observed, Has.Count.GreaterThan(3), "timeouts should spread over the interval");
    }

    [Test]
    public void ElectionTimeouts_SameSeed_ReplayExactly()
    {
        var a = TestPeer.Create(1, ThreeVoters, c => c with { Random = new SeededRandomSource(42) });
        var b = TestPeer.Create(1, ThreeVoters, c => c with { Random = new SeededRandomSource(42) });

        Assert.That(TickUntilNotFollower(a.Node, 100), Is.EqualTo(TickUntilNotFollower(b.Node, 100)));
    }

    [Test]
    public void SplitVote_CandidateTimesOut_AndRetriesInHigherTerm()
    {
        // §3.4: "each candidate will time out and start a new election by incrementing its term".
        var peer = TestPeer.Create(1, ThreeVoters);
        peer.Node.Campaign();
        peer.Process();

        TickUntil(peer.Node, () => peer.Node.Term == 2, 100);

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Candidate));
        Assert.That(peer.Node.Term, Is.EqualTo(2UL));
    }

    [Test]
    public void SingleVoter_Campaign_BecomesLeaderAndCommitsAtOnce()
    {
        var peer = TestPeer.Create(1, [1]);

        peer.Node.Campaign();
        peer.Node.Propose(new byte[] { 9 });
        peer.Process();

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(peer.AppliedData().Single(), Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public void ThreeNodeCluster_ElectsExactlyOneLeader_ByTicking()
    {
        // §3.4 Election safety: at most one leader per term.
        var cluster = TestCluster.Create(3);

        cluster.Tick(40);

        var leaders = cluster.Peers.Where(p => p.Node.Role == RaftRole.Leader).ToList();
        Assert.That(leaders, Has.Count.EqualTo(1));
        Assert.That(cluster.Peers.Select(p => p.Node.Leader).Distinct().Single(), Is.EqualTo(leaders[0].Id));
    }

    internal static int TickUntilNotFollower(RaftNode node, int limit) =>
        TickUntil(node, () => node.Role != RaftRole.Follower, limit);

    internal static int TickUntil(RaftNode node, Func<bool> condition, int limit)
    {
        for (var ticks = 1; ticks <= limit; ticks++)
        {
            node.Tick();
            if (condition())
            {
                return ticks;
            }
        }

        Assert.Fail($"Condition not reached within {limit} ticks.");
        return -1;
    }
}
