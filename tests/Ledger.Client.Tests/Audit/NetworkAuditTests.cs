using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Audit;

/// <summary>
/// <c>ledger audit --endpoint</c> against a node (a fake one, over real gRPC) whose chain is longer than
/// its blocks-per-call bound: paged, resumed inside a run after a dropped stream, and resumed across
/// runs from the checkpoint it writes while it runs.
/// </summary>
public sealed class NetworkAuditTests
{
    private const int ChainBlocks = 40;

    private const int NodeBlocksPerCall = 5;

    private static readonly TestChain Chain = new TestChain().ExtendWithFillers(ChainBlocks - 2);

    private static readonly ulong ChainTransactions = (ulong)Chain.Blocks.Sum(b => b.Transactions.Count);

    [Test]
    public async Task Audit_ChainLongerThanTheNodesBlocksPerCall_VerifiesEveryBlock()
    {
        using var directory = new TempDirectory();
        var api = Node();
        await using var server = await FakeLedgerServer.StartAsync(api);

        var run = Audit(directory, server, "-o", "json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Error);
        var summary = JsonDocument.Parse(run.Out).RootElement;
        Assert.That(summary.GetProperty("verifiedHeight").GetUInt64(), Is.EqualTo((ulong)ChainBlocks));
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.EqualTo(ChainTransactions));
        Assert.That(summary.GetProperty("certifiedBlocks").GetUInt64(), Is.EqualTo((ulong)ChainBlocks));
        Assert.That(summary.GetProperty("blocksVerified").GetUInt64(), Is.EqualTo((ulong)ChainBlocks));
        Assert.That(summary.GetProperty("blocksPerSecond").GetDouble(), Is.GreaterThan(0));
        Assert.That(summary.GetProperty("txPerSecond").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Audit_TextOutput_ClosesWithTheRate()
    {
        using var directory = new TempDirectory();
        await using var server = await FakeLedgerServer.StartAsync(Node());

        var run = Audit(directory, server);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Error);
        Assert.That(run.Out, Does.Match($@"40 blocks, {ChainTransactions} transactions verified from .* tx/s, \d+ blocks/s\)"));
    }

    [Test]
    public async Task Audit_StreamDroppedAfterBlock17_ResumesWithoutReadingFromBlock1Again()
    {
        using var directory = new TempDirectory();
        var api = Node();
        api.DropStreamAfterBlocks = 17;
        await using var server = await FakeLedgerServer.StartAsync(api);

        var run = Audit(directory, server, "-o", "json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Error);
        var summary = JsonDocument.Parse(run.Out).RootElement;
        Assert.That(summary.GetProperty("verifiedHeight").GetUInt64(), Is.EqualTo((ulong)ChainBlocks));
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.EqualTo(ChainTransactions), "no block verified twice, none skipped");
        Assert.That(api.BlockRequests.Select(r => r.From), Is.EqualTo(new ulong[] { 1, 1, 6, 11, 16, 18, 23, 28, 33, 38 }), "the page cut after block 17 is asked for again from 18");
    }

    [Test]
    public async Task Audit_KilledMidway_ResumesFromTheCheckpointItWroteWhileRunning()
    {
        using var directory = new TempDirectory();
        var checkpoint = directory.File("audit.checkpoint.json");
        var leftByKill = directory.File("left-by-kill.json");
        var api = Node();

        // The file as it stands when the audit asks for block 26 is what a kill at that moment would leave.
        api.OnGetBlocks = request =>
        {
            if (request.FromHeight == 26 && !File.Exists(leftByKill))
            {
                File.Copy(checkpoint, leftByKill);
            }
        };
        await using var server = await FakeLedgerServer.StartAsync(api);
        var first = Audit(directory, server, "--checkpoint-out", checkpoint, "--checkpoint-interval", "0");
        api.BlockRequests.Clear();

        var resumed = Audit(directory, server, "-o", "json", "--from-checkpoint", leftByKill);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Out + first.Error);
        Assert.That(JsonDocument.Parse(File.ReadAllText(leftByKill)).RootElement.GetProperty("Height").GetUInt64(), Is.EqualTo(25UL), "checkpointed during the run, up to the last block audited");
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Ok), resumed.Out + resumed.Error);
        var summary = JsonDocument.Parse(resumed.Out).RootElement;
        Assert.That(summary.GetProperty("resumedFromHeight").GetUInt64(), Is.EqualTo(25UL));
        Assert.That(summary.GetProperty("verifiedHeight").GetUInt64(), Is.EqualTo((ulong)ChainBlocks));
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.EqualTo((ulong)Chain.Blocks.Skip(25).Sum(b => b.Transactions.Count)));
        Assert.That(api.BlockRequests.Min(r => r.From), Is.EqualTo(26UL), "blocks 1..25 are not read again");
    }

    [Test]
    public async Task Audit_NodeGoesDownMidway_ExitsUnavailableLeavingACheckpointToResumeFrom()
    {
        using var directory = new TempDirectory();
        var checkpoint = directory.File("audit.checkpoint.json");
        var api = Node();
        api.OnGetBlocks = request => api.Down |= request.FromHeight >= 21;
        await using var server = await FakeLedgerServer.StartAsync(api);

        var cut = Audit(directory, server, "--checkpoint-out", checkpoint, "--checkpoint-interval", "3600");
        api.Down = false;
        api.OnGetBlocks = null;
        var resumed = Audit(directory, server, "-o", "json", "--from-checkpoint", checkpoint);

        Assert.That(cut.ExitCode, Is.EqualTo(ExitCodes.Unavailable), cut.Out + cut.Error);
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Ok), resumed.Out + resumed.Error);
        Assert.That(JsonDocument.Parse(resumed.Out).RootElement.GetProperty("resumedFromHeight").GetUInt64(), Is.EqualTo(20UL));
    }

    [Test]
    public async Task Audit_ResumedFromACheckpointAtTheTip_PassesWithNothingNewToRead()
    {
        // The node's latest certified header (block 40) was checked by the run that wrote the checkpoint.
        using var directory = new TempDirectory();
        var checkpoint = directory.File("audit.checkpoint.json");
        await using var server = await FakeLedgerServer.StartAsync(Node());
        var first = Audit(directory, server, "--checkpoint-out", checkpoint);

        var resumed = Audit(directory, server, "-o", "json", "--from-checkpoint", checkpoint);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Out + first.Error);
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Ok), resumed.Out + resumed.Error);
        Assert.That(JsonDocument.Parse(resumed.Out).RootElement.GetProperty("blocksVerified").GetUInt64(), Is.Zero);
    }

    private static FakeLedgerApi Node()
    {
        var api = new FakeLedgerApi { BlocksPerCallMax = NodeBlocksPerCall, InclusionProofs = (_, size) => Chain.LastLeafProof(size) };
        api.Blocks.AddRange(Chain.Blocks);
        foreach (var certified in Chain.Certified)
        {
            api.Certified[certified.Header.Height] = certified;
        }

        api.Certified[0] = Chain.Certified[^1];
        return api;
    }

    private static (int ExitCode, string Out, string Error) Audit(TempDirectory directory, FakeLedgerServer server, params string[] more)
    {
        var genesis = directory.File("genesis.json");
        File.WriteAllBytes(genesis, Chain.GenesisBytes);
        return CliRunner.Run(["audit", "--genesis-file", genesis, "--endpoint", server.Endpoint.ToString(), .. more]);
    }
}
