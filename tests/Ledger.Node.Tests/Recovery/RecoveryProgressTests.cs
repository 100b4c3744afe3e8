using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Node.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Node.Tests.Recovery;

/// <summary>
/// A node says "recovering" from the moment Raft recovers until its apply stage has rebuilt the blocks up to the
/// commit index Raft had when it left recovery; a node that is merely behind the leader is not recovering.
/// </summary>
public sealed class RecoveryProgressTests
{
    private const string StartNote = "resyncing from peers after local disk damage in a table file (000012.sst)";

    private DriverStatus raft = null!;
    private ulong applied;

    [SetUp]
    public void StartRecoveringFromEmpty()
    {
        // NUnit shares one fixture instance between tests: every test starts here.
        raft = Status(RecoveryReason.HardStateLost, committed: 0);
        applied = 0;
    }

    [Test]
    public void Current_RaftRecoveringAfterAQuarantine_SaysRecoveringWithTheReasonAndTheStartNote()
    {
        var progress = Progress(StartNote);

        var (recovering, reason) = progress.Current;

        Assert.Multiple(() =>
        {
            Assert.That(recovering, Is.True);
            Assert.That(reason, Does.Contain("hard state may be lost").And.Contain(StartNote));
        });
    }

    [Test]
    public void Current_RaftLeftRecoveryWithBlocksNotRebuilt_StaysRecoveringUntilAppliedReachesTheCommitIndexItHadThen()
    {
        // Arrange: Raft leaves recovery holding the leader's commit 40; nothing is applied yet.
        var progress = Progress(StartNote);
        raft = Status(RecoveryReason.None, committed: 40);
        progress.OnRecoveringChanged(raft);

        // Act and Assert: the commit moves on meanwhile; the goal stays 40.
        raft = Status(RecoveryReason.None, committed: 55);
        applied = 39;
        var (recovering, reason) = progress.Current;
        Assert.Multiple(() =>
        {
            Assert.That(recovering, Is.True, "applied 39 of 40");
            Assert.That(reason, Does.Contain("applied index 39 of 40").And.Contain(StartNote));
            Assert.That(progress.GoalIndex, Is.EqualTo(40UL));
        });

        applied = 40;
        Assert.That(progress.Current, Is.EqualTo((false, "")), "applied the commit index Raft had when it left recovery");
    }

    [Test]
    public void Current_RaftLeftRecoveryBeforeItsEventWasRaised_AlreadyTakesTheCommitIndexAsTheGoal()
    {
        // Arrange: the loop published a status out of recovery; its RecoveringChanged has not run yet.
        var progress = Progress(StartNote);
        raft = Status(RecoveryReason.None, committed: 12);
        applied = 3;

        // Act
        var (recovering, _) = progress.Current;

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(recovering, Is.True);
            Assert.That(progress.GoalIndex, Is.EqualTo(12UL));
        });
    }

    [Test]
    public void OnApplied_ReachingTheGoal_EndsRecovery()
    {
        var progress = Progress(StartNote);
        raft = Status(RecoveryReason.None, committed: 20);
        progress.OnRecoveringChanged(raft);

        progress.OnApplied(20);
        applied = 20;

        Assert.Multiple(() =>
        {
            Assert.That(progress.GoalIndex, Is.Zero);
            Assert.That(progress.Current.Recovering, Is.False);
        });
    }

    [Test]
    public void Current_RecoveryEnteredWhileRunning_RecoversAgainAndSetsANewGoalWhenRaftLeaves()
    {
        // Arrange: a normal start, caught up.
        raft = Status(RecoveryReason.None, committed: 10);
        applied = 10;
        var progress = Progress("");
        Assert.That(progress.Current.Recovering, Is.False);

        // Act: a peer shows it forgot acknowledged entries; later its log holds them again at commit 30.
        raft = Status(RecoveryReason.AcknowledgedWatermark, committed: 10);
        progress.OnRecoveringChanged(raft);
        var during = progress.Current;
        raft = Status(RecoveryReason.None, committed: 30);
        progress.OnRecoveringChanged(raft);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(during.Recovering, Is.True);
            Assert.That(during.Reason, Does.Contain("a peer showed it acknowledged entries"));
            Assert.That(progress.Current.Recovering, Is.True, "applied 10 of 30");
            Assert.That(progress.GoalIndex, Is.EqualTo(30UL));
        });
    }

    [Test]
    public void Current_NormalStartBehindTheLeader_IsNotRecovering()
    {
        // A follower that was stopped while the others went on is behind, not recovering: it forgot nothing.
        raft = Status(RecoveryReason.None, committed: 50);
        applied = 7;
        var progress = Progress("");

        Assert.That(progress.Current, Is.EqualTo((false, "")));
    }

    private RecoveryProgress Progress(string startNote) => new(() => raft, () => applied, startNote, NullLogger.Instance);

    private static DriverStatus Status(RecoveryReason reason, ulong committed) =>
        new(Id: 2, RaftRole.Follower, Term: 3, Leader: 1, Committed: committed, Applied: 0, LastIndex: committed) { RecoveryReason = reason };
}
