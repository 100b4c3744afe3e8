using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Reading;

/// <summary>
/// <see cref="LedgerClient.GetBlocksAsync"/> and <see cref="LedgerClient.WatchAsync"/> over a real gRPC
/// server (a fake node) on chains longer than the node's blocks-per-call bound: paged within the bound,
/// streamed, and resumed after a dropped stream from the next height not yet yielded.
/// </summary>
public sealed class BlockPagingTests
{
    /// <summary>A 40-block chain against a node that serves 5 blocks per call, as in issue 18 (6,000 blocks, 1,000 per call).</summary>
    private const int ChainBlocks = 40;

    private const int NodeBlocksPerCall = 5;

    private static readonly TestChain Chain = new TestChain().ExtendWithFillers(ChainBlocks - 2);

    [Test]
    public async Task GetBlocksAsync_RangeLongerThanTheNodesBound_YieldsEveryBlockOnceInOrder()
    {
        var api = Node();
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server.Endpoint);

        var heights = await ReadAllAsync(client, 1, ChainBlocks);

        Assert.That(heights, Is.EqualTo(Heights(1, ChainBlocks)));
        Assert.That(api.BlockRequests.Where(r => r.To - r.From + 1 <= NodeBlocksPerCall).Select(r => r.From), Is.EqualTo(Heights(1, ChainBlocks).Where(h => h % NodeBlocksPerCall == 1)), "paged within the node's bound after learning it");
        Assert.That(client.BlocksPerCall, Is.EqualTo(NodeBlocksPerCall));
    }

    [Test]
    public async Task GetBlocksAsync_StreamDroppedAfter12Blocks_ResumesFromBlock13()
    {
        var api = Node();
        api.DropStreamAfterBlocks = 12;
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server.Endpoint);

        var heights = await ReadAllAsync(client, 1, ChainBlocks);

        Assert.That(heights, Is.EqualTo(Heights(1, ChainBlocks)), "each block once, in order");
        Assert.That(api.BlockRequests.Select(r => r.From), Is.EqualTo(new ulong[] { 1, 1, 6, 11, 13, 18, 23, 28, 33, 38 }), "refused, then pages of 5; page 11..15 cut after block 12 is asked for again from 13");
    }

    [Test]
    public async Task GetBlocksAsync_ConnectionAbortedUnderTheStream_ContinuesAtTheNextEndpoint()
    {
        var first = Node();
        first.DropStreamAfterBlocks = 7;
        first.DropByAbortingConnection = true;
        var second = Node();
        await using var one = await FakeLedgerServer.StartAsync(first);
        await using var two = await FakeLedgerServer.StartAsync(second);
        await using var client = Client(one.Endpoint, two.Endpoint);

        var heights = await ReadAllAsync(client, 1, ChainBlocks);

        Assert.That(heights, Is.EqualTo(Heights(1, ChainBlocks)));
        // Blocks the first node wrote before the abort may be lost in flight: the client asks again from the first it did not yield.
        Assert.That(second.BlockRequests.First().From, Is.InRange(2UL, 8UL), "the other node is not asked from block 1 again");
    }

    [Test]
    public async Task GetBlocksAsync_NodeStaysDown_ThrowsUnavailableAfterAttemptsMax()
    {
        var api = Node();
        api.Down = true;
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server.Endpoint);

        Assert.ThrowsAsync<LedgerUnavailableException>(async () => await ReadAllAsync(client, 1, ChainBlocks));
        Assert.That(api.BlockRequests, Has.Count.EqualTo(AttemptsMax));
    }

    [Test]
    public async Task GetBlocksAsync_ChainEndsBeforeTheRange_StopsAtItsEnd()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node());
        await using var client = Client(server.Endpoint);

        var heights = await ReadAllAsync(client, 31, 1_000_000);

        Assert.That(heights, Is.EqualTo(Heights(31, ChainBlocks)));
    }

    [Test]
    public async Task GetBlocksAsync_BlockLargerThanGrpcsDefault4MB_IsReceived()
    {
        // A block of bulk registrations runs to megabytes; gRPC's default receive bound is 4 MB.
        var large = Chain.Blocks[0].Clone();
        large.Transactions[0].Signature = ByteString.CopyFrom(new byte[6 * 1024 * 1024]);
        var api = new FakeLedgerApi();
        api.Blocks.Add(large);
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server.Endpoint);

        var blocks = new List<Block>();
        await foreach (var block in client.GetBlocksAsync(1, 1))
        {
            blocks.Add(block);
        }

        Assert.That(blocks.Single().CalculateSize(), Is.GreaterThan(GrpcDefaultReceiveBytes));
    }

    [Test]
    public async Task WatchAsync_StreamDroppedAfter9Blocks_ResumesFromBlock10WithoutRepeats()
    {
        var api = Node();
        api.DropStreamAfterBlocks = 9;
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server.Endpoint);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var heights = new List<ulong>();
        await foreach (var block in client.WatchAsync(1, stop.Token))
        {
            heights.Add(block.Header.Height);
            if (heights.Count == ChainBlocks)
            {
                break;
            }
        }

        Assert.That(heights, Is.EqualTo(Heights(1, ChainBlocks)));
        Assert.That(api.BlocksServed, Is.EqualTo(ChainBlocks), "no block served twice");
    }

    [Test]
    public async Task WatchCommand_ChainLongerThanTheNodesBoundStreamDroppedAfter17Blocks_PrintsEveryBlockOnceInOrder()
    {
        // ledger watch, the command: one JSON line per block across the drop, none repeated or skipped.
        var api = Node();
        api.DropStreamAfterBlocks = 17;
        await using var server = await FakeLedgerServer.StartAsync(api);

        var run = CliRunner.Run("watch", "--from", "1", "--count", ChainBlocks.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json", "--endpoint", server.Endpoint.ToString());

        Assert.That(run.ExitCode, Is.EqualTo(Ledger.Cli.Infrastructure.ExitCodes.Ok), run.Out + run.Error);
        var heights = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("height").GetUInt64());
        Assert.That(heights, Is.EqualTo(Heights(1, ChainBlocks)));
        Assert.That(api.BlocksServed, Is.EqualTo(ChainBlocks), "resumed from block 18, not from 1");
    }

    private const int AttemptsMax = 4;

    /// <summary>What Grpc.Net.Client receives at most unless told otherwise.</summary>
    private const int GrpcDefaultReceiveBytes = 4 * 1024 * 1024;

    internal static FakeLedgerApi Node()
    {
        var api = new FakeLedgerApi { BlocksPerCallMax = NodeBlocksPerCall };
        api.Blocks.AddRange(Chain.Blocks);
        return api;
    }

    private static LedgerClient Client(params Uri[] endpoints) => new(new LedgerClientOptions
    {
        Endpoints = endpoints,
        AttemptsMax = AttemptsMax,
        BackoffInitial = TimeSpan.FromMilliseconds(10),
        BackoffMax = TimeSpan.FromMilliseconds(50),
    });

    private static async Task<List<ulong>> ReadAllAsync(LedgerClient client, ulong from, ulong to)
    {
        var heights = new List<ulong>();
        await foreach (var block in client.GetBlocksAsync(from, to))
        {
            heights.Add(block.Header.Height);
        }

        return heights;
    }

    private static List<ulong> Heights(ulong from, ulong to)
    {
        var heights = new List<ulong>();
        for (var height = from; height <= to; height++)
        {
            heights.Add(height);
        }

        return heights;
    }
}
