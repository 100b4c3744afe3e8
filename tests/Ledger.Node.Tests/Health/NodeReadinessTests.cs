using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;
using Ledger.Node.Health;
using Ledger.Node.Tests.DiskSpace;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Health;

/// <summary>
/// Issue #19 item 1: what live and ready mean. Ready = live, knows a leader, applied within a bound of
/// commit, storage writable (free space at or above the reserve, no write waiting for space), not
/// recovering or diverged. Live fails only when a restart is the remedy.
/// </summary>
public sealed class NodeReadinessTests
{
    private const long Reserve = 1_000;

    private DriverStatus status = null!;
    private ulong applied;
    private Exception? driverFault;
    private Exception? attestationFault;
    private string? damage;
    private string? divergence;
    private (bool, string) recovering;
    private FakeFreeSpace disk = null!;
    private DiskSpaceGuard guard = null!;
    private StorageWritePause pause = null!;

    [SetUp]
    public void CreateGuards()
    {
        // One fixture instance runs every test: each starts from a healthy follower.
        status = new(1, RaftRole.Follower, Term: 3, Leader: 2, Committed: 100, Applied: 100, LastIndex: 100);
        applied = 100;
        driverFault = null;
        attestationFault = null;
        damage = null;
        divergence = null;
        recovering = (false, "");
        disk = new FakeFreeSpace(10 * Reserve);
        guard = new DiskSpaceGuard(new DiskSpaceOptions { ReserveBytes = Reserve }, "/unused", disk, new FakeTimeProvider(), Prometheus.Metrics.NewCustomRegistry(), NullLogger.Instance);
        pause = new StorageWritePause(Prometheus.Metrics.NewCustomRegistry(), NullLogger.Instance, backoffMin: TimeSpan.FromMilliseconds(1), backoffMax: TimeSpan.FromMilliseconds(1));
    }

    [TearDown]
    public void DisposeGuards()
    {
        guard.Dispose();
        pause.Dispose();
    }

    [Test]
    public void Ready_FollowerThatKnowsItsLeaderAndKeepsUp_IsReadyAndLive()
    {
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Ready().IsHealthy, Is.True, readiness.Ready().Describe());
            Assert.That(readiness.Live().IsHealthy, Is.True);
            Assert.That(readiness.Ready().Describe(), Is.EqualTo("ok"));
        });
    }

    [Test]
    public void Ready_NoLeaderKnown_NotReadyButLive()
    {
        status = status with { Leader = 0 };
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Ready().Problems, Is.EqualTo(new[] { "no leader known" }));
            Assert.That(readiness.Live().IsHealthy, Is.True, "an election is not a reason to restart");
        });
    }

    [Test]
    public void Ready_TheLeaderItself_KnowsALeader()
    {
        status = status with { Role = RaftRole.Leader, Leader = 0 };

        Assert.That(Readiness().Ready().IsHealthy, Is.True);
    }

    [Test]
    public void Ready_NoLeaderRequirementOff_ReadyWithoutALeader()
    {
        status = status with { Leader = 0 };

        Assert.That(Readiness(new HealthOptions { RequireLeader = false }).Ready().IsHealthy, Is.True);
    }

    [Test]
    public void Ready_AppliedFurtherBehindCommitThanTheBound_NotReadyNamingTheLag()
    {
        status = status with { Committed = 1_000 };
        applied = 1_000 - 51;
        var readiness = Readiness(new HealthOptions { AppliedLagEntriesMax = 50 });

        Assert.That(readiness.Ready().Problems, Is.EqualTo(new[] { "applied index 949 is 51 entries behind the commit index 1000 (at most 50)" }));

        applied = 1_000 - 50;
        Assert.That(readiness.Ready().IsHealthy, Is.True, "exactly at the bound is still ready");
    }

    [Test]
    public void Ready_DiskBelowReserve_NotReadyNamingTheFiguresAndStillLive()
    {
        disk.Available = Reserve - 1;
        guard.Refresh();
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Ready().Problems, Is.EqualTo(new[] { $"disk space below reserve: {Reserve - 1} bytes free, reserve {Reserve}" }));
            Assert.That(readiness.Live().IsHealthy, Is.True, "a full disk is an operating state: no restart");
        });

        disk.Available = Reserve;
        guard.Refresh();
        Assert.That(readiness.Ready().IsHealthy, Is.True, "ready again once space is freed");
    }

    [Test]
    public async Task Ready_AStorageWriteWaitsForSpace_NotReadyNamingIt()
    {
        var readiness = Readiness();
        using var release = new ManualResetEventSlim();
        var write = Task.Run(() => pause.Run(
            () =>
            {
                if (!release.IsSet)
                {
                    throw new IOException("No space left on device");
                }
            },
            "block apply"));
        await Support.Eventually.WaitUntilAsync(() => pause.Paused);

        var whilePaused = readiness.Ready();
        release.Set();
        await write;

        Assert.Multiple(() =>
        {
            Assert.That(whilePaused.Problems, Has.Count.EqualTo(1));
            Assert.That(whilePaused.Problems[0], Does.StartWith("storage writes paused: block apply waits for disk space"));
            Assert.That(readiness.Ready().IsHealthy, Is.True);
        });
    }

    [Test]
    public void Ready_Recovering_NotReadyButLive()
    {
        recovering = (true, "lost its log tail");
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Ready().Problems, Is.EqualTo(new[] { "recovering: lost its log tail" }));
            Assert.That(readiness.Live().IsHealthy, Is.True, "a recovering node must not be restarted");
        });
    }

    [Test]
    public void Live_DriverFaulted_NotLiveAndNotReady()
    {
        driverFault = new InvalidOperationException("raft invariant broken");
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Live().Problems, Is.EqualTo(new[] { "stopped after a fault: raft invariant broken" }));
            Assert.That(readiness.Ready().Problems, Does.Contain("stopped after a fault: raft invariant broken"));
        });
    }

    [Test]
    public void Live_DamageOrAttestationFault_NotLive_DivergenceOnlyNotReady()
    {
        damage = "block 7 unreadable";
        attestationFault = new InvalidOperationException("signing failed");
        divergence = "block 9 differs";
        var readiness = Readiness();

        Assert.Multiple(() =>
        {
            Assert.That(readiness.Live().Problems, Is.EqualTo(new[] { "local disk damage: block 7 unreadable", "attestation work stopped after a fault: signing failed" }));
            Assert.That(readiness.Ready().Problems, Does.Contain("diverged from the consortium: block 9 differs"));
        });
    }

    [Test]
    public void Describe_LongReasons_CutToTheBound()
    {
        driverFault = new InvalidOperationException(new string('x', 10_000));

        Assert.That(Readiness().Ready().Describe(), Has.Length.EqualTo(HealthReport.TextCharsMax));
    }

    [Test]
    public void HealthOptions_Validate_BoundsTheLag()
    {
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(new HealthOptions().Validate);
            Assert.That(Assert.Throws<InvalidOperationException>(new HealthOptions { AppliedLagEntriesMax = 0 }.Validate)!.Message, Does.StartWith("Node:Health:AppliedLagEntriesMax must be within 1.."));
            Assert.Throws<InvalidOperationException>(new HealthOptions { AppliedLagEntriesMax = HealthOptions.AppliedLagEntriesMaxLimit + 1 }.Validate);
        });
    }

    private NodeReadiness Readiness(HealthOptions? options = null) => new(
        options ?? new HealthOptions(),
        () => status,
        () => applied,
        () => driverFault,
        () => attestationFault,
        () => damage,
        () => divergence,
        () => recovering,
        guard,
        pause);
}
