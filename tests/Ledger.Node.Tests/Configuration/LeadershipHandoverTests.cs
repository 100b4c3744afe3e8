using Ledger.Consensus;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Configuration;

public sealed class LeadershipHandoverTests
{
    private static RaftStatus Leader(params ProgressStatus[] progress) => new()
    {
        Id = 1,
        HardState = new HardState(3, 1, 10),
        SoftState = new SoftState(1, RaftRole.Leader),
        Applied = 10,
        LastIndex = 10,
        LeadTransferee = 0,
        ConfState = new ConfState([1, 2, 3, 4], [5]),
        Progress = progress,
    };

    private static ProgressStatus Peer(ulong id, ulong match, bool active = true, bool learner = false) =>
        new(id, match, match + 1, ProgressState.Replicate, learner, active, 0);

    [Test]
    public void MostCaughtUpVoter_PicksTheActiveVoterWithTheLongestLog()
    {
        var status = Leader(Peer(1, 10), Peer(2, 7), Peer(3, 9), Peer(4, 10, active: false), Peer(5, 10, learner: true));

        Assert.That(LeadershipHandover.MostCaughtUpVoter(status), Is.EqualTo(3UL));
    }

    [Test]
    public void MostCaughtUpVoter_RecoveringVoter_Skipped()
    {
        var status = Leader(Peer(1, 10), Peer(2, 7), Peer(3, 10) with { Recovering = true });

        Assert.That(LeadershipHandover.MostCaughtUpVoter(status), Is.EqualTo(2UL));
    }

    [Test]
    public void MostCaughtUpVoter_SkippedVoter_NextBest()
    {
        var status = Leader(Peer(1, 10), Peer(2, 7), Peer(3, 9));

        Assert.That(LeadershipHandover.MostCaughtUpVoter(status, new HashSet<ulong> { 3 }), Is.EqualTo(2UL));
    }

    [Test]
    public void MostCaughtUpVoter_NoOtherVoter_None()
    {
        Assert.That(LeadershipHandover.MostCaughtUpVoter(Leader(Peer(1, 10), Peer(5, 10, learner: true))), Is.Zero);
    }

    /// <summary>
    /// The election timeout is made long (10 s or more): without the hand-over, the others could not have
    /// elected a leader by the time the old one's stop returns.
    /// </summary>
    [Test]
    public async Task Stop_Leader_HandsLeadershipToAnotherNodeBeforeItStops()
    {
        string[] slowElections = ["--Node:TickMilliseconds=20", "--Node:ElectionTicks=500", "--Node:StopLeadershipTransferMilliseconds=10000"];
        var consortium = new TestConsortium(3);
        var nodes = new List<InProcessNode>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(new InProcessNode(consortium.ArgumentsFor(i, slowElections), consortium.Nodes[i].PublicUrl));
                await nodes[i].StartAsync();
            }

            // No election timeout to wait out: node-1 campaigns now.
            nodes[0].Node.Driver.TryCampaign();
            await Eventually.WaitUntilAsync(() => nodes.All(n => n.Node.RaftStatus.Leader == nodes[0].Node.RaftId));
            var term = nodes[0].Node.RaftStatus.Term;

            await nodes[0].StopAsync();
            var newLeader = nodes.Skip(1).Where(n => n.Node.RaftStatus.Role == RaftRole.Leader).ToList();

            Assert.That(newLeader, Has.Count.EqualTo(1), "a follower leads the moment the old leader's stop returns");
            Assert.That(newLeader[0].Node.RaftStatus.Term, Is.GreaterThan(term));

            // And again at once, from the leader that just took over (its stream to the last node may be new).
            var last = nodes.Skip(1).Single(n => n != newLeader[0]);
            await newLeader[0].StopAsync();
            Assert.That(last.Node.RaftStatus.Role, Is.EqualTo(RaftRole.Leader), "the last node leads the moment the second leader's stop returns");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            consortium.Dispose();
        }
    }
}
