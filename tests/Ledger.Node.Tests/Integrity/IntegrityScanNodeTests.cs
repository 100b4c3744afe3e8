using System.Buffers.Binary;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Damage;
using Ledger.Storage.Integrity;
using RocksDbSharp;

namespace Ledger.Node.Tests.Integrity;

/// <summary>
/// A running node's integrity scan finds a stored block that no request has read since it was damaged,
/// and takes the path of a block failing verification on read: the node stops serving (DATA_LOSS),
/// records the damage so the next open goes the repair path, and its process exits with code 4.
/// </summary>
[NonParallelizable]
public sealed class IntegrityScanNodeTests
{
    private const int Registrations = 5;
    private const ulong DamagedHeight = 2;
    private static readonly TimeSpan ExitWaitMax = TimeSpan.FromSeconds(60);

    // Scan at once and at full speed (the default waits a minute after start).
    private static readonly string[] ScanNow = ["--Node:IntegrityScan:StartDelaySeconds=0", $"--Node:IntegrityScan:BytesPerSecond={1024 * 1024 * 1024}"];

    [Test]
    public async Task FlippedBlockOnDisk_ScanFindsIt_NodeStopsServingWithDataLoss_AndTheNextOpenFindsTheRecord()
    {
        // Arrange: an intact node's scan completes passes without finding anything.
        using var consortium = new TestConsortium(1);
        var node = new InProcessNode(consortium.ArgumentsFor(0, ScanNow), consortium.Nodes[0].PublicUrl);
        await using (node)
        {
            await node.StartAsync();
            await RegisterAsync(node, consortium);
            await Eventually.WaitUntilAsync(() => node.Node.IntegrityScan.Runner.PassesCompleted > 0);
            Assert.That(node.Node.Damage.Current, Is.Null, "an intact store passes a full scan");
            await node.StopAsync();
            FlipByteOfStoredBlock(consortium, DamagedHeight);

            // Act: restart; no request reads the damaged block, only the scan does.
            await node.StartAsync();
            await Eventually.WaitUntilAsync(() => node.Node.Damage.Current is not null);

            // Assert
            var damage = node.Node.Damage.Current!;
            Assert.Multiple(() =>
            {
                Assert.That(damage.Part, Is.EqualTo(DamagedPart.Block));
                Assert.That(damage.Description, Does.StartWith(IntegrityScanPass.FoundBy).And.Contain($"block {DamagedHeight}"));
            });
            var refused = Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }));
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.DataLoss), refused.Status.Detail);
            var blockRead = Assert.ThrowsAsync<RpcException>(async () => await node.Client.GetBlockAsync(new GetBlockRequest { Height = DamagedHeight }));
            Assert.That(blockRead!.StatusCode, Is.EqualTo(StatusCode.DataLoss), "the damaged block is never served");
            await node.StopAsync();
        }

        // The record makes the next open fail into the repair path (quarantine, resync from peers).
        var reopen = Assert.Throws<DataDirectoryDamagedException>(() => OpenDatabase(consortium).Dispose());
        Assert.Multiple(() =>
        {
            Assert.That(reopen!.Part, Is.EqualTo(DamagedPart.Block));
            Assert.That(reopen.Detail, Does.Contain("found while running").And.Contain(IntegrityScanPass.FoundBy));
        });
    }

    [Test]
    public async Task FlippedBlockOnDisk_NodeProcess_ExitsWithCodeFourNamingTheDamage()
    {
        // Arrange
        using var consortium = new TestConsortium(1);
        var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await using (node)
        {
            await node.StartAsync();
            await RegisterAsync(node, consortium);
            await node.StopAsync();
        }

        FlipByteOfStoredBlock(consortium, DamagedHeight);

        // Act
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        int exitCode;
        try
        {
            var run = NodeProgram.RunAsync(consortium.ArgumentsFor(0, ScanNow));
            Assert.That(await Task.WhenAny(run, Task.Delay(ExitWaitMax)), Is.SameAs(run), "the node did not stop on the damage");
            exitCode = await run;
        }
        finally
        {
            Console.SetError(original);
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitLocalDamage));
            Assert.That(captured.ToString(), Does.Contain(IntegrityScanPass.FoundBy).And.Contain("resyncs from its peers"));
        });
    }

    private static async Task RegisterAsync(InProcessNode node, TestConsortium consortium)
    {
        // A single node elects itself after start; submitting before that is Unavailable ("no leader is known").
        await Eventually.WaitUntilAsync(() => node.Node.RaftStatus.Role == Ledger.Consensus.RaftRole.Leader);
        for (var i = 0; i < Registrations; i++)
        {
            await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        }

        Assert.That(node.Node.Blocks.LatestHeight, Is.GreaterThanOrEqualTo(DamagedHeight), "precondition: the block to damage exists");
    }

    /// <summary>Rewrites a stopped node's stored block body (its first transaction record) with one byte flipped, through RocksDB (its checksums stay valid).</summary>
    private static void FlipByteOfStoredBlock(TestConsortium consortium, ulong height)
    {
        using var database = OpenDatabase(consortium);
        // The blocks column family keys a transaction record by 'C', the big-endian height and position (Ledger.Storage BlockKeys).
        var key = new byte[1 + sizeof(ulong) + sizeof(uint)];
        key[0] = (byte)'C';
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        var value = database.Get(database.Blocks, key) ?? throw new InvalidOperationException($"no block {height} stored");
        value[value.Length / 2] ^= 0x10;
        using var batch = new WriteBatch();
        batch.Put(key, value, database.Blocks);
        database.Write(batch, sync: true);
    }

    private static LedgerDatabase OpenDatabase(TestConsortium consortium) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(consortium.Nodes[0].DataDirectory, "db"), ChainId = consortium.ChainId });
}
