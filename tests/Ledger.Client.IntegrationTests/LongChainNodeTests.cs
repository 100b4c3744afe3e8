using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Client.Signing;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// Issue 18, "audit a real chain over the network", on a real node whose chain is longer than its
/// blocks-per-call bound (lowered to 5 through its options, as the default 1,000 is to a 6,000-block
/// chain): the SDK's block stream, <c>ledger audit --endpoint</c>, Watch (the SDK's and <c>ledger watch</c>) and evidence export all read it
/// whole, and a block stream survives the node being stopped and restarted under it.
/// </summary>
public sealed class LongChainNodeTests
{
    private const int NodeBlocksPerCall = 5;

    private const ulong ChainBlocks = 40;

    private TestConsortium consortium = null!;
    private InProcessNode node = null!;
    private string directory = null!;
    private string lastTxHash = "";

    [OneTimeSetUp]
    public async Task StartNodeAndGrowTheChainAsync()
    {
        consortium = new TestConsortium(1);
        node = new InProcessNode(consortium.ArgumentsFor(0, [$"--Node:BlocksPerRangeMax={NodeBlocksPerCall}"]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        directory = Directory.CreateTempSubdirectory("ledger-long-chain-").FullName;
        await using var client = Client();
        var builder = new TransactionBuilder(consortium.Platform, consortium.ChainId);
        var status = await client.StatusAsync();
        for (var i = 0; status.Height < ChainBlocks; i++)
        {
            var receipt = await client.SubmitAsync(builder.Build(TransactionType.Anchor, Google.Protobuf.ByteString.CopyFromUtf8($"anchor {i}")));
            lastTxHash = Convert.ToHexStringLower(receipt.Receipt.TxHash.Span);
            status = await client.StatusAsync();
        }
    }

    [OneTimeTearDown]
    public async Task StopNodeAsync()
    {
        await node.DisposeAsync();
        consortium.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task GetBlocksAsync_WholeChain_YieldsEveryBlockOnceInOrderWithinTheNodesBound()
    {
        await using var client = Client();

        var heights = new List<ulong>();
        await foreach (var block in client.GetBlocksAsync(1, ChainBlocks))
        {
            heights.Add(block.Header.Height);
        }

        Assert.That(heights, Is.EqualTo(Heights(ChainBlocks)));
        Assert.That(client.BlocksPerCall, Is.EqualTo(NodeBlocksPerCall), "learned from the node's status");
    }

    [Test]
    public void Audit_Endpoint_VerifiesTheWholeChain()
    {
        var audit = LedgerCommand.Run(["audit", "-o", "json", "--endpoint", node.PublicUrl, "--genesis", consortium.GenesisPath]);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.Ok), audit.ToString());
        Assert.That(audit.Json().GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(audit.Json().GetProperty("verifiedHeight").GetUInt64(), Is.GreaterThanOrEqualTo(ChainBlocks));
        Assert.That(audit.Json().GetProperty("certifiedBlocks").GetUInt64(), Is.GreaterThanOrEqualTo(1UL));
    }

    [Test]
    public async Task WatchAsync_FromBlock1_YieldsTheWholeChainInOrder()
    {
        await using var client = Client();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var heights = new List<ulong>();
        await foreach (var block in client.WatchAsync(1, stop.Token))
        {
            heights.Add(block.Header.Height);
            if (heights.Count == (int)ChainBlocks)
            {
                break;
            }
        }

        Assert.That(heights, Is.EqualTo(Heights(ChainBlocks)));
    }

    [Test]
    public void WatchCommand_FromBlock1_PrintsTheWholeChainInOrder()
    {
        var watch = LedgerCommand.Run(["watch", "--from", "1", "--count", ChainBlocks.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json", "--endpoint", node.PublicUrl]);

        Assert.That(watch.ExitCode, Is.EqualTo(ExitCodes.Ok), watch.ToString());
        var heights = watch.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("height").GetUInt64());
        Assert.That(heights, Is.EqualTo(Heights(ChainBlocks)));
    }

    [Test]
    public void EvidenceExport_TransactionInTheLastBlock_ReadsTheChainAndVerifies()
    {
        // Export gathers the governance changes before the transaction by reading blocks 1..its height.
        var bundle = Path.Combine(directory, "last.json");

        var export = LedgerCommand.Run(["evidence", "export", "--tx", lastTxHash, "--out", bundle, "--force", "--endpoint", node.PublicUrl, "--genesis", consortium.GenesisPath]);
        var verify = LedgerCommand.Run(["evidence", "verify", bundle, "--genesis", consortium.GenesisPath]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString());
        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.Ok), verify.ToString());
    }

    [Test]
    public async Task GetBlocksAsync_NodeStoppedAndRestartedAfterBlock12_ResumesAtBlock13()
    {
        await using var client = Client(attemptsMax: 60);

        var heights = new List<ulong>();
        await foreach (var block in client.GetBlocksAsync(1, ChainBlocks))
        {
            heights.Add(block.Header.Height);
            if (block.Header.Height == 12)
            {
                await node.StopAsync();
                _ = RestartSoonAsync();
            }
        }

        Assert.That(heights, Is.EqualTo(Heights(ChainBlocks)), "each block once, in order, none skipped");
    }

    private async Task RestartSoonAsync()
    {
        await Task.Delay(500);
        await node.StartAsync();
    }

    private LedgerClient Client(int attemptsMax = 8) => new(new LedgerClientOptions
    {
        Endpoints = [new Uri(node.PublicUrl)],
        Genesis = Core.Consortium.ConsortiumGenesis.Parse(File.ReadAllBytes(consortium.GenesisPath)),
        AttemptsMax = attemptsMax,
        BackoffInitial = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(250),
    });

    private static List<ulong> Heights(ulong to)
    {
        var heights = new List<ulong>();
        for (var height = 1UL; height <= to; height++)
        {
            heights.Add(height);
        }

        return heights;
    }
}
