using Ledger.Consensus;
using Ledger.Node.Tests.Consensus;

namespace Ledger.Node.Tests.Peers;

/// <summary>
/// The drive loop with a peer's hostile messages: each frame here crashed or misled the loop before the
/// peer boundary existed (they reached <c>RaftNode.Step</c> unchecked); now each is dropped, counted, and
/// the node keeps running.
/// </summary>
[TestFixture]
public sealed class PeerBoundaryDriverTests
{
    private static readonly TimeSpan WaitMax = DriverHarness.WaitMax;

    [Test]
    public async Task TryDeliverFromPeer_ReadIndexRespWithShortContext_DroppedAndLoopKeepsRunning()
    {
        await using var harness = DriverHarness.StartFollowerOfThree();
        await MakeLeaderAsync(harness, leader: 2, term: 1);

        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.ReadIndexResp, From = 2, To = 1, Term = 1, Index = 1, Context = new byte[] { 1, 2, 3 } });
        var status = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Driver.Fault, Is.Null);
            Assert.That(status.SoftState.Leader, Is.EqualTo(2UL));
            Assert.That(harness.Driver.PeerBoundary.RefusedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TryDeliverFromPeer_AppendWithNonContiguousIndexesOverCommittedEntries_DroppedAndLoopKeepsRunning()
    {
        await using var harness = DriverHarness.StartFollowerOfThree();
        await MakeLeaderAsync(harness, leader: 2, term: 1);
        harness.Driver.TryDeliverFromPeer(new Message
        {
            Type = MessageType.App, From = 2, To = 1, Term = 1, Index = 0, LogTerm = 0, Commit = 3,
            Entries = new[] { Entry(1, 1), Entry(2, 1), Entry(3, 1) },
        });
        await harness.WaitUntilAsync(() => harness.Driver.Status.Committed == 3);

        // A newer term's "leader" whose single entry claims index 2 after index 3: it would overwrite a committed entry.
        harness.Driver.TryDeliverFromPeer(new Message
        {
            Type = MessageType.App, From = 3, To = 1, Term = 2, Index = 3, LogTerm = 1, Commit = 3,
            Entries = new[] { Entry(2, 2) },
        });
        var status = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Driver.Fault, Is.Null);
            Assert.That(status.HardState.Commit, Is.EqualTo(3UL));
            Assert.That(status.LastIndex, Is.EqualTo(3UL));
            Assert.That(harness.Driver.PeerBoundary.RefusedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TryDeliverFromPeer_TimeoutNowFromNonLeader_DoesNotStartAnElection()
    {
        await using var harness = DriverHarness.StartFollowerOfThree();
        await MakeLeaderAsync(harness, leader: 2, term: 1);

        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.TimeoutNow, From = 3, To = 1, Term = 1 });
        var status = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        Assert.Multiple(() =>
        {
            Assert.That(status.SoftState.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(status.HardState.Term, Is.EqualTo(1UL));
            Assert.That(status.SoftState.Leader, Is.EqualTo(2UL));
            Assert.That(harness.Driver.PeerBoundary.RefusedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TryDeliverFromPeer_ProposalFromPeerAtLeader_NotAppended()
    {
        await using var harness = DriverHarness.StartFollowerOfThree();
        await BecomeLeaderAsync(harness);
        var before = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        harness.Driver.TryDeliverFromPeer(new Message
        {
            Type = MessageType.Prop, From = 2, To = 1,
            Entries = new[] { new Entry(0, 0, EntryType.Normal, "a judgment no member signed"u8.ToArray()) },
        });
        harness.Driver.TryDeliverFromPeer(new Message
        {
            Type = MessageType.Prop, From = 2, To = 1,
            Entries = new[] { new Entry(0, 0, EntryType.ConfChange, new ConfChange(ConfChangeType.RemoveNode, 3).Encode()) },
        });
        var after = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        Assert.Multiple(() =>
        {
            Assert.That(after.SoftState.Role, Is.EqualTo(RaftRole.Leader));
            Assert.That(after.LastIndex, Is.EqualTo(before.LastIndex));
            Assert.That(harness.Driver.PeerBoundary.RefusedCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task TryDeliverFromPeer_AppendResponseBeyondLeadersLog_DoesNotCommit()
    {
        await using var harness = DriverHarness.StartFollowerOfThree();
        await BecomeLeaderAsync(harness);
        var before = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.AppResp, From = 2, To = 1, Term = before.HardState.Term, Index = before.LastIndex + 1_000 });
        var after = await harness.Driver.InspectAsync(CancellationToken.None).WaitAsync(WaitMax);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Driver.Fault, Is.Null);
            Assert.That(after.HardState.Commit, Is.EqualTo(before.HardState.Commit));
            Assert.That(harness.Driver.PeerBoundary.RefusedCount, Is.EqualTo(1));
        });
    }

    private static Entry Entry(ulong index, ulong term) => new(term, index, EntryType.Normal, new byte[] { (byte)index, (byte)term });

    private static async Task MakeLeaderAsync(DriverHarness harness, ulong leader, ulong term)
    {
        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.Heartbeat, From = leader, To = 1, Term = term });
        await harness.WaitUntilAsync(() => harness.Driver.Status.Leader == leader && harness.Driver.Status.Term == term);
    }

    /// <summary>Node 1 campaigns and node 2's (pre-)votes make it leader of term 1.</summary>
    private static async Task BecomeLeaderAsync(DriverHarness harness)
    {
        harness.Driver.TryCampaign();
        await harness.WaitUntilAsync(() => harness.Driver.Status.Role == RaftRole.PreCandidate);
        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.PreVoteResp, From = 2, To = 1, Term = 1 });
        await harness.WaitUntilAsync(() => harness.Driver.Status.Role == RaftRole.Candidate);
        harness.Driver.TryDeliverFromPeer(new Message { Type = MessageType.VoteResp, From = 2, To = 1, Term = 1 });
        await harness.WaitUntilAsync(() => harness.Driver.Status.Role == RaftRole.Leader);
    }
}
