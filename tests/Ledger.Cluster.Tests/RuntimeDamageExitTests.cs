using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Storage;
using RocksDbSharp;

namespace Ledger.Cluster.Tests;

/// <summary>
/// Damage found while a node runs, end to end over real processes (docs/node-recovery.md, "Damage while
/// running"): a stored block whose body no longer matches its header is read, the client gets DATA_LOSS,
/// the damage is recorded and the process exits with code 4 and one line naming it; started again, the
/// node finds the record at open, moves its database aside and resyncs from its peers.
/// </summary>
[NonParallelizable]
public sealed class RuntimeDamageExitTests
{
    private const int Registrations = 5;
    private const int RegistrationsDuringRepair = 3;
    private const ulong DamagedHeight = 2;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private DiskDamageScenario? scenario;

    [TearDown]
    public void TearDown()
    {
        scenario?.Dispose();
        scenario = null;
    }

    [Test]
    public async Task GetBlock_StoredBodyDamagedUnderAnIntactHeader_DataLossThenExitCodeFourNamingIt_NextStartQuarantinesAndResyncs()
    {
        // Arrange: a few blocks on all three nodes; node-3 stopped and block 2's stored body damaged
        // behind RocksDB's back (valid checksums, so only the block's own check can find it), then started.
        scenario = new DiskDamageScenario();
        var before = await scenario.RegisterAsync(Registrations);
        await scenario.Cluster.WaitForSameHeightAsync(before, StepTimeout);
        scenario.Victim.Kill();
        DropLastTransactionOfBlock(scenario.VictimDatabase, scenario.Cluster.Consortium.ChainId, DamagedHeight);
        scenario.Victim.Start();
        await WaitUntilAnswersAsync(scenario.Victim);

        // Act: a client reads the damaged block.
        var refused = Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Victim.Client.GetBlockAsync(new GetBlockRequest { Height = DamagedHeight }, deadline: DateTime.UtcNow.AddSeconds(10)));
        var exitCode = await scenario.Victim.WaitForExitAsync(StepTimeout);

        // Assert: never served; the process exits 4 with the finding on one line.
        var output = scenario.Victim.RecentOutput();
        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.DataLoss), refused.Status.Detail);
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitLocalDamage), output);
            Assert.That(output, Does.Contain($"ledger-node: transaction record 0 of block {DamagedHeight} is missing").And.Contain("recorded: restart the node and it resyncs from its peers"));
        });

        // Act: its supervisor starts it again while registrations go on.
        var height = await scenario.RestartVictimAndWatchCatchUpAsync(RegistrationsDuringRepair);

        // Assert: the recorded damage took the repair path: database moved aside, chain resynced and identical.
        Assert.Multiple(() =>
        {
            Assert.That(scenario.DamagedCopies(), Has.Count.EqualTo(1), scenario.Victim.RecentOutput());
            Assert.That(scenario.Victim.RecentOutput(), Does.Contain("[6201]"));
            Assert.That(scenario.Violations, Is.Empty);
            Assert.That(height, Is.GreaterThanOrEqualTo(before + RegistrationsDuringRepair));
        });
        await LeaderKillTests.AssertIdenticalChainsAsync(scenario.Cluster, height);
    }

    /// <summary>Deletes the stored record of block <paramref name="height"/>'s last (only) transaction and result; its header and hash stay.</summary>
    private static void DropLastTransactionOfBlock(string databaseDirectory, string chainId, ulong height)
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = databaseDirectory, ChainId = chainId });
        // The blocks column family keys a transaction record by 'C', the big-endian height and position (Ledger.Storage BlockKeys).
        var key = new byte[1 + sizeof(ulong) + sizeof(uint)];
        key[0] = (byte)'C';
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        Assert.That(database.Get(database.Blocks, key), Is.Not.Null, $"block {height} has a transaction 0");
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + sizeof(ulong)), 1);
        Assert.That(database.Get(database.Blocks, key), Is.Null, "one registration per block");
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + sizeof(ulong)), 0);
        using var batch = new WriteBatch();
        batch.Delete(key, database.Blocks);
        database.Write(batch, sync: true);
    }

    private static async Task WaitUntilAnswersAsync(Support.NodeProcess node)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (await Support.ProcessCluster.TryStatusAsync(node) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{node.NodeId} did not answer Status within {StepTimeout}{Environment.NewLine}{node.RecentOutput()}");
            }

            await Task.Delay(100);
        }
    }
}
