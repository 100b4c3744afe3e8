namespace Ledger.Cluster.Tests;

/// <summary>
/// Issue 16's five disk cases over real node processes: after ~30 registrations node-3 is stopped and
/// its data directory damaged; restarted, it must say it is recovering, catch up to the cluster with
/// every block identical to the others while registrations keep committing, and never serve a height
/// or block it does not hold.
/// </summary>
[NonParallelizable]
public sealed class DiskDamageTests
{
    /// <summary>Registrations that commit while node-3 repairs itself.</summary>
    private const int RegistrationsDuringRepair = 20;

    private DiskDamageScenario? scenario;

    [TearDown]
    public void TearDown()
    {
        scenario?.Dispose();
        scenario = null;
    }

    [Test]
    public async Task Restart_ByteFlippedAtOffset2000OfTheNewestWal_QuarantinesAndResyncsFromPeers()
    {
        await AssertRepairsFromPeersAsync(s => DiskDamageScenario.FlipByte(s.NewestWal(), 2_000));
    }

    [Test]
    public async Task Restart_ByteFlippedInTheMiddleOfTheWal_QuarantinesAndResyncsFromPeers()
    {
        await AssertRepairsFromPeersAsync(s =>
        {
            var wal = s.NewestWal();
            DiskDamageScenario.FlipByte(wal, new FileInfo(wal).Length / 2);
        });
    }

    [Test]
    public async Task Restart_WalWithItsLast300BytesCut_QuarantinesAndResyncsFromPeers()
    {
        await AssertRepairsFromPeersAsync(s => DiskDamageScenario.CutTail(s.NewestWal(), 300));
    }

    [Test]
    public async Task Restart_ByteFlippedInTheManifest_QuarantinesAndResyncsFromPeers()
    {
        await AssertRepairsFromPeersAsync(s =>
        {
            var manifest = s.Manifest();
            DiskDamageScenario.FlipByte(manifest, new FileInfo(manifest).Length / 2);
        });
    }

    [Test]
    public async Task Restart_DataDirectoryReplacedByAnOlderCopyOfItself_RecoversAndCatchesUp()
    {
        // Arrange: a copy of node-3's directory a third of the way in, then the rest of the registrations.
        scenario = new DiskDamageScenario();
        await scenario.RegisterAsync(DiskDamageScenario.RegistrationsBeforeDamage / 3);
        await scenario.Cluster.WaitForSameHeightAsync(1, TimeSpan.FromSeconds(60));
        var copy = scenario.CopyVictimDataWhileStopped(Path.Combine(scenario.Cluster.Consortium.Directory, "node-2-older-copy"));
        var before = await scenario.RegisterAsync(DiskDamageScenario.RegistrationsBeforeDamage - (DiskDamageScenario.RegistrationsBeforeDamage / 3));
        await scenario.Cluster.WaitForSameHeightAsync(before, TimeSpan.FromSeconds(60));
        scenario.Victim.Kill();
        scenario.ReplaceVictimDataWith(copy);

        // Act
        var height = await scenario.RestartVictimAndWatchCatchUpAsync(RegistrationsDuringRepair);

        // Assert: no local damage to find, so nothing is quarantined; the peers' acknowledged watermarks
        // must make it recover (no vote, no quorum) until it has caught up.
        Assert.Multiple(() =>
        {
            Assert.That(scenario.SaidRecovering, Is.True, "node-3 never said recovering (status, health or log) although it came back behind what it acknowledged");
            Assert.That(scenario.Violations, Is.Empty);
            Assert.That(height, Is.GreaterThanOrEqualTo(before + RegistrationsDuringRepair));
        });
        await LeaderKillTests.AssertIdenticalChainsAsync(scenario.Cluster, height);
    }

    private async Task AssertRepairsFromPeersAsync(Action<DiskDamageScenario> damage)
    {
        // Arrange
        scenario = new DiskDamageScenario();
        var before = await scenario.RegisterAsync(DiskDamageScenario.RegistrationsBeforeDamage);
        await scenario.Cluster.WaitForSameHeightAsync(before, TimeSpan.FromSeconds(60));
        scenario.Victim.Kill();
        damage(scenario);

        // Act
        var height = await scenario.RestartVictimAndWatchCatchUpAsync(RegistrationsDuringRepair);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(scenario.DamagedCopies(), Has.Count.EqualTo(1), "the damaged database is moved aside, once");
            Assert.That(scenario.Victim.RecentOutput(), Does.Contain("Local disk damage at start"), "node-3 names the damage it found");
            Assert.That(scenario.SaidRecovering, Is.True, "node-3 never said recovering (status, health or log)");
            Assert.That(scenario.Violations, Is.Empty);
            Assert.That(height, Is.GreaterThanOrEqualTo(before + RegistrationsDuringRepair));
        });
        await LeaderKillTests.AssertIdenticalChainsAsync(scenario.Cluster, height);
    }
}
