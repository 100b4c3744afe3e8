using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Snapshots;

/// <summary>Log compaction and InstallSnapshot, dissertation §5.1-§5.3.</summary>
public sealed class SnapshotTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    [Test]
    public void Snapshot_FollowerBehindCompaction_ReceivesSnapshotAndResumes()
    {
        // §5.3: "the leader must occasionally send snapshots to followers that lag behind", after which
        // normal replication continues.
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"e{i}");
        }

        cluster.Stabilize();
        var snapshot = leader.CompactAtApplied();
        Assert.That(leader.Storage.FirstIndex(), Is.GreaterThan(2UL));

        cluster.Heal();
        cluster.Tick(2);
        cluster.Propose(1, "after");
        cluster.Stabilize();

        var follower = cluster[3];
        Assert.That(cluster.Delivered.Count(m => m is { Type: MessageType.Snap, To: 3 }), Is.EqualTo(1));
        Assert.That(follower.LastRestoredSnapshot!.Metadata.Index, Is.EqualTo(snapshot.Metadata.Index));
        Assert.That(follower.State, Is.EqualTo(leader.State));
        Assert.That(follower.State[^1], Is.EqualTo("after"));
        Assert.That(leader.Node.Status.Progress.Single(p => p.Id == 3).State, Is.EqualTo(ProgressState.Replicate));
    }

    [Test]
    public void Snapshot_LeaderWaitsToHearFromFollower_BeforeSendingSnapshot()
    {
        // A snapshot can be large: it is not pushed at a peer that has not been heard from this round.
        var cluster = TestCluster.Create(3, c => c with { CheckQuorum = true, PreVote = true });
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Tick(2 * leader.Config.ElectionTicks);
        cluster.Propose(1, "x");
        cluster.Stabilize();
        leader.CompactAtApplied();
        leader.Node.ReportUnreachable(3);

        cluster.Propose(1, "y");
        cluster.Tick(2);
        Assert.That(cluster.Dropped.Any(m => m.Type == MessageType.Snap), Is.False);

        cluster.Heal();
        cluster.Tick(2);
        Assert.That(cluster.Delivered.Any(m => m is { Type: MessageType.Snap, To: 3 }), Is.True);
        Assert.That(cluster[3].State, Is.EqualTo(new[] { "x", "y" }));
    }

    [Test]
    public void Snapshot_ReportedFailure_ReturnsFollowerToProbe_AndSnapshotIsResent()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "x");
        cluster.Stabilize();
        leader.CompactAtApplied();
        cluster.Heal();
        cluster.DropFilter = m => m.Type == MessageType.Snap;
        cluster.Tick(1);
        Assert.That(leader.Node.Status.Progress.Single(p => p.Id == 3).State, Is.EqualTo(ProgressState.Snapshot));

        leader.Node.ReportSnapshot(3, SnapshotStatus.Failure);
        Assert.That(leader.Node.Status.Progress.Single(p => p.Id == 3).State, Is.EqualTo(ProgressState.Probe));
        cluster.DropFilter = null;
        cluster.Tick(2);

        Assert.That(cluster[3].State, Is.EqualTo(leader.State));
    }

    [Test]
    public void Snapshot_AtOrBelowCommitIndex_IsIgnored()
    {
        // §5.3: a snapshot that describes a prefix of what the follower already committed changes nothing.
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1, 1, 1], hardState: new HardState(1, 0, 5));
        var stale = new Snapshot(new SnapshotMetadata(3, 1, new ConfState(ThreeVoters, [])), new byte[] { 1 });

        var sent = peer.StepAndCollect(new Message { Type = MessageType.Snap, From = 1, To = 2, Term = 1, Snapshot = stale });

        Assert.That(peer.LastRestoredSnapshot, Is.Null);
        Assert.That(sent.Single().Index, Is.EqualTo(5UL));
        Assert.That(peer.Storage.LastIndex(), Is.EqualTo(5UL));
    }

    [Test]
    public void Snapshot_WhoseLastEntryFollowerHolds_OnlyFastForwardsCommit()
    {
        // §5.3: "If the follower receives a snapshot that describes a prefix of its log ... entries covered
        // by the snapshot are deleted but entries following the snapshot are still valid and must be retained."
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1, 1, 1], hardState: new HardState(1, 0, 1));
        var prefix = new Snapshot(new SnapshotMetadata(3, 1, new ConfState(ThreeVoters, [])), new byte[] { 1 });

        peer.StepAndCollect(new Message { Type = MessageType.Snap, From = 1, To = 2, Term = 1, Snapshot = prefix });

        Assert.That(peer.LastRestoredSnapshot, Is.Null);
        Assert.That(peer.Node.Committed, Is.EqualTo(3UL));
        Assert.That(peer.Storage.LastIndex(), Is.EqualTo(5UL));
    }

    [Test]
    public void Snapshot_ConflictingLog_IsDiscardedAndMembershipRestored()
    {
        // §5.3: "Usually the snapshot will contain new information not already in the recipient's log.
        // In this case, the follower discards its entire log"; the snapshot's configuration takes effect.
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 0, 1));
        var membership = new ConfState([1, 2, 3, 4], [5]);
        var snapshot = new Snapshot(new SnapshotMetadata(10, 2, membership), System.Text.Encoding.UTF8.GetBytes("s"));

        var sent = peer.StepAndCollect(new Message { Type = MessageType.Snap, From = 1, To = 2, Term = 2, Snapshot = snapshot });

        Assert.That(sent.Single(), Has.Property(nameof(Message.Index)).EqualTo(10UL).And.Property(nameof(Message.Reject)).False);
        Assert.That(peer.Storage.FirstIndex(), Is.EqualTo(11UL));
        Assert.That(peer.Storage.LastIndex(), Is.EqualTo(10UL));
        Assert.That(peer.Node.Committed, Is.EqualTo(10UL));
        Assert.That(peer.Node.Applied, Is.EqualTo(10UL));
        Assert.That(peer.Node.Status.ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(peer.Node.Status.ConfState.Learners, Is.EqualTo(new ulong[] { 5 }));
    }

    [Test]
    public void Snapshot_RestoredFollower_RestartsFromSnapshotAndLog()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        leader.CompactAtApplied();
        cluster.Heal();
        cluster.Tick(2);
        cluster.Propose(1, "c");
        cluster.Stabilize();

        cluster[3].Restart();
        cluster[3].Process();

        Assert.That(cluster[3].State, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void Compaction_OnFollower_DoesNotDisturbReplication()
    {
        // §5.1: each server compacts independently.
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Stabilize();

        cluster[2].CompactAtApplied();
        cluster.Propose(1, "b");
        cluster.Stabilize();

        Assert.That(cluster[2].State, Is.EqualTo(new[] { "a", "b" }));
    }
}
