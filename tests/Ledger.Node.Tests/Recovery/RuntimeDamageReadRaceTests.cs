using Ledger.Node.Recovery;
using Ledger.Storage;
using Ledger.Storage.Errors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Node.Tests.Recovery;

/// <summary>
/// A snapshot install clears each state table before it ingests the new one: a client read racing it finds
/// records "missing". That must be answered Unavailable, not taken for disk damage (which stops the node with
/// exit 4 and quarantines its whole database on the next start).
/// </summary>
public sealed class RuntimeDamageReadRaceTests
{
    private string directory = "";

    [SetUp]
    public void SetUp() => directory = Path.Combine(Path.GetTempPath(), "read-race-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ReportRead_SnapshotInstalledWhileTheReadRan_NotDamage()
    {
        using var database = Open();
        var damage = new RuntimeDamage(database, NullLogger.Instance);
        var generation = damage.ReadBegins();
        using (database.StateReplacement.EnterReplacing())
        {
        }

        var reported = damage.ReportRead(new StorageCorruptionException("block 7 is missing"), generation);

        Assert.That(reported, Is.False);
        Assert.That(damage.Current, Is.Null, "the node keeps running");
    }

    [Test]
    public void ReportRead_SnapshotInstallRunningWhenTheReadFailed_NotDamage()
    {
        using var database = Open();
        var damage = new RuntimeDamage(database, NullLogger.Instance);
        bool reported;
        using (database.StateReplacement.EnterReplacing())
        {
            reported = damage.ReportRead(new StorageCorruptionException("block 7 is missing"), damage.ReadBegins());
        }

        Assert.That(reported, Is.False);
        Assert.That(damage.Current, Is.Null);
    }

    [Test]
    public void ReportRead_NoInstallDuringTheRead_ReportedAsDamage()
    {
        using var database = Open();
        var damage = new RuntimeDamage(database, NullLogger.Instance);
        var generation = damage.ReadBegins();

        var reported = damage.ReportRead(new StorageCorruptionException("block 7 failed its hash"), generation);

        Assert.That(reported, Is.True);
        Assert.That(damage.Current, Is.Not.Null, "real damage still stops the node");
    }

    private LedgerDatabase Open() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "read-race" });
}
