using System.Text.RegularExpressions;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Storage;
using Ledger.Storage.Backups;
using RocksDbSharp;

namespace Ledger.Cluster.Tests.Backup;

/// <summary>
/// Issue 19 item 3 at the node's door: a node started on a directory stamped with the previous format refuses (exit 3)
/// with the exact command; that command backs the directory up and migrates it, and the node then starts on it. The
/// rewrite of the previous format's records is proven on the stored fixture (Ledger.Storage.Tests FormatMigrationTests).
/// </summary>
[NonParallelizable]
public sealed partial class FormatMigrationStartTests
{
    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task Start_OnADirectoryStampedWithThePreviousFormat_RefusesWithTheMigrateCommandWhichBacksUpAndMigratesIt()
    {
        // Arrange: a node with three blocks, stopped, its directory stamped format 6.
        cluster = ProcessCluster.Start(1);
        var node = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        ulong height = 0;
        for (var i = 0; i < 3; i++)
        {
            height = (await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30))).Receipt.BlockHeight;
        }

        node.Kill();
        var data = cluster.Consortium.Nodes[0].DataDirectory;
        var chainId = ConsortiumGenesis.Parse(File.ReadAllText(cluster.Consortium.GenesisPath)).ChainId;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(data, "db"), ChainId = chainId }))
        {
            using var batch = new WriteBatch();
            batch.Put("format_version"u8.ToArray(), new byte[] { 0, 0, 0, 6 }, database.Meta);
            database.Write(batch);
        }

        // Act: the node refuses and names the command.
        node.Start();
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(120));
        var said = node.RecentOutput();

        // Assert
        Assert.That(exit, Is.EqualTo(NodeProgram.ExitStorage), said);
        var command = MigrateCommand().Match(said);
        Assert.That(command.Success, Is.True, said);
        Assert.That(said, Does.Contain("format version 6"));
        Assert.That(command.Groups["dll"].Value, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "Ledger.Node.dll")));
        Assert.That(command.Groups["data"].Value, Is.EqualTo(Path.GetFullPath(data)));
        Assert.That(command.Groups["genesis"].Value, Is.EqualTo(Path.GetFullPath(cluster.Consortium.GenesisPath)));

        // Act: the command, as printed.
        var migrated = await NodeCommandProcess.RunAsync("migrate", "--data-dir", command.Groups["data"].Value, "--genesis", command.Groups["genesis"].Value);

        // Assert: backed up first (the backup still says format 6), then the node starts on the directory and holds its blocks.
        Assert.That(migrated.ExitCode, Is.Zero, migrated.Error + migrated.Output);
        var backup = Directory.GetDirectories(data, $"backup-before-format-{Ledger.Storage.LedgerDatabase.FormatVersion}-*").Single();
        var manifest = BackupVerifier.Verify(backup);
        Assert.That(manifest.StorageFormatVersion, Is.EqualTo(6u));
        Assert.That(manifest.Height, Is.EqualTo(height));
        node.Start();
        node = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        var status = await node.Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.That(status.Height, Is.GreaterThanOrEqualTo(height));
    }

    [GeneratedRegex("dotnet '(?<dll>[^']+)' migrate --data-dir '(?<data>[^']+)' --genesis '(?<genesis>[^']+)'")]
    private static partial Regex MigrateCommand();
}
