using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Client.Audit;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Admin;
using Ledger.Storage.Backups;

namespace Ledger.Cluster.Tests.Backup;

/// <summary>
/// Issue 19 item 2 over real node processes: a node backed up online through its admin socket while registrations
/// keep committing, restored into a fresh data directory as a replacement with the same identity, catches up from
/// its peers; its chain is byte-identical to the others' and audits clean. A backup that differs from its manifest
/// is refused at restore, and the admin service answers no TCP caller.
/// </summary>
[NonParallelizable]
public sealed class BackupRestoreTests
{
    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task Backup_NodeUnderLoad_RestoredAsAReplacementCatchesUpWithAByteIdenticalChainThatAuditsClean()
    {
        // Arrange: three nodes, registrations committing one after another for the whole test.
        cluster = ProcessCluster.Start(3);
        await cluster.WaitForLeaderAsync(ElectionTimeout);
        using var stopLoad = new CancellationTokenSource();
        var load = RegisterUntilCancelledAsync(cluster, stopLoad.Token);
        await WaitForHeightAsync(cluster.Nodes[2], 10);
        var victim = cluster.Consortium.Nodes[2];
        var backup = Path.Combine(cluster.Consortium.Directory, "node-2-backup");

        // Act: back node-3 up while it applies, let the chain move on, then replace node-3 by the restored copy.
        var backedUp = await NodeCommandProcess.RunAsync("backup", "--to", backup, "--data-dir", victim.DataDirectory);
        Assert.That(backedUp.ExitCode, Is.Zero, backedUp.Error + backedUp.Output);
        var manifest = BackupVerifier.Verify(backup);
        await WaitForHeightAsync(cluster.Nodes[0], manifest.Height + 10);
        cluster.Nodes[2].Kill();
        var restoredData = Path.Combine(cluster.Consortium.Directory, "node-2-replacement");
        var restored = await NodeCommandProcess.RunAsync("restore", "--from", backup, "--data-dir", restoredData, "--genesis", cluster.Consortium.GenesisPath);
        Assert.That(restored.ExitCode, Is.Zero, restored.Error + restored.Output);
        cluster.Nodes[2].Dispose();
        cluster.Nodes[2] = new NodeProcess(victim.NodeId, victim.PublicUrl, cluster.Consortium.ArgumentsFor(2, ["--data-dir", restoredData]));
        cluster.Nodes[2].Start();
        await WaitForHeightAsync(cluster.Nodes[0], manifest.Height + 20);
        await stopLoad.CancelAsync();
        var tip = await load;
        var height = await cluster.WaitForSameHeightAsync(tip, CatchUpTimeout);

        // Assert: the backup was taken mid-chain, and the replacement holds the whole chain, byte for byte, auditing clean.
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Height, Is.GreaterThanOrEqualTo(10UL));
            Assert.That(manifest.ChainId, Is.EqualTo(ChainId(cluster)));
            Assert.That(manifest.AppliedRaftIndex, Is.GreaterThan(0UL));
            Assert.That(height, Is.GreaterThan(manifest.Height + 10));
        });
        await LeaderKillTests.AssertIdenticalChainsAsync(cluster, height);
        var replacementBlocks = await ProcessCluster.ReadBlocksAsync(cluster.Nodes[2], height);
        var auditor = new ChainAuditor(ConsortiumGenesis.Parse(File.ReadAllText(cluster.Consortium.GenesisPath)));
        foreach (var bytes in replacementBlocks)
        {
            Assert.That(auditor.Append(Block.Parser.ParseFrom(bytes)), Is.True, $"audit of the replacement's chain: {auditor.Failure}");
        }

        Assert.That(auditor.VerifiedHeight, Is.EqualTo(height));
    }

    [Test]
    public async Task Restore_BackupWithOneByteOfATableFileChanged_IsRefusedNamingTheFileAndWritesNoDatabase()
    {
        // Arrange: a backup of a running single node, then one byte of one of its table files flipped.
        cluster = ProcessCluster.Start(1);
        var node = await cluster.WaitForLeaderAsync(ElectionTimeout);
        for (var i = 0; i < 3; i++)
        {
            await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30));
        }

        var backup = Path.Combine(cluster.Consortium.Directory, "backup");
        var backedUp = await NodeCommandProcess.RunAsync("backup", "--to", backup, "--data-dir", cluster.Consortium.Nodes[0].DataDirectory);
        Assert.That(backedUp.ExitCode, Is.Zero, backedUp.Error + backedUp.Output);
        var table = Directory.GetFiles(Path.Combine(backup, BackupManifest.DatabaseDirectoryName), "*.sst").Order(StringComparer.Ordinal).First();
        // A backup on the node's own file system shares its table files (hard links): change a copy, as a damaged transfer would.
        var bytes = File.ReadAllBytes(table);
        bytes[bytes.Length / 2] ^= 0x01;
        File.Delete(table);
        File.WriteAllBytes(table, bytes);
        var target = Path.Combine(cluster.Consortium.Directory, "restored");

        // Act
        var restored = await NodeCommandProcess.RunAsync("restore", "--from", backup, "--data-dir", target);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(restored.ExitCode, Is.EqualTo(NodeCommands.ExitFailed), restored.Output);
            Assert.That(restored.Error, Does.Contain(Path.GetFileName(table)).And.Contain("SHA-256"));
            Assert.That(restored.Error, Does.Not.Contain("   at "), "one line, no stack trace");
            Assert.That(Directory.Exists(Path.Combine(target, "db")), Is.False);
        });
    }

    [Test]
    public async Task Backup_CalledOverThePublicOrPeerPort_IsPermissionDenied()
    {
        // Arrange
        cluster = ProcessCluster.Start(1);
        await cluster.WaitForLeaderAsync(ElectionTimeout);
        var config = cluster.Consortium.Nodes[0];
        var backup = Path.Combine(cluster.Consortium.Directory, "not-written");

        foreach (var url in new[] { config.PublicUrl, config.PeerUrl })
        {
            using var channel = GrpcChannel.ForAddress(url);

            // Act
            var error = Assert.ThrowsAsync<RpcException>(async () =>
                await new NodeAdmin.NodeAdminClient(channel).BackupAsync(new BackupRequest { Directory = backup }, deadline: DateTime.UtcNow.AddSeconds(30)));

            // Assert
            Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), url);
        }

        Assert.That(Directory.Exists(backup), Is.False);
        using var admin = NodeCommands.AdminChannel(AdminSocket.PathFor(config.DataDirectory));
        var answer = await new NodeAdmin.NodeAdminClient(admin).BackupAsync(new BackupRequest { Directory = backup }, deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.That(answer.ChainId, Is.EqualTo(ChainId(cluster)), "the same call over the admin socket is answered");
        Assert.That(File.Exists(Path.Combine(backup, BackupManifest.FileName)), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(AdminSocket.PathFor(config.DataDirectory))!),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "only the node's OS user may reach the socket");
        }
    }

    private static string ChainId(ProcessCluster cluster) => ConsortiumGenesis.Parse(File.ReadAllText(cluster.Consortium.GenesisPath)).ChainId;

    /// <summary>Submits registrations one at a time through whichever node leads until cancelled; returns the last committed height.</summary>
    private static async Task<ulong> RegisterUntilCancelledAsync(ProcessCluster cluster, CancellationToken cancellationToken)
    {
        ulong height = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
                var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: CancellationToken.None);
                height = Math.Max(height, response.Receipt.BlockHeight);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.DataLoss)
            {
                await Task.Delay(RetryDelay, CancellationToken.None);
            }
        }

        return height;
    }

    private static async Task WaitForHeightAsync(NodeProcess node, ulong heightMin)
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ProcessCluster.TryStatusAsync(node) is { } status && status.Height >= heightMin)
            {
                return;
            }

            await Task.Delay(RetryDelay);
        }

        Assert.Fail($"{node.NodeId} did not reach height {heightMin} within {CatchUpTimeout}{Environment.NewLine}{node.RecentOutput()}");
    }
}
