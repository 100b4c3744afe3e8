using Ledger.Client.Audit;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Audit;

/// <summary>
/// The SDK's network audit (what <c>ledger audit --endpoint</c> and the scale bench run) against a fake
/// node whose chain is longer than its blocks-per-call bound: every block reaches the auditor once, in
/// order, in groups the caller sees; a due checkpoint cuts the group short.
/// </summary>
public sealed class EndpointAuditTests
{
    private const int ChainBlocks = 40;

    private const int NodeBlocksPerCall = 5;

    private static readonly TestChain Chain = new TestChain().ExtendWithFillers(ChainBlocks - 2);

    [Test]
    public async Task RunAsync_ChainLongerThanTheNodesBlocksPerCall_HandsEveryBlockToGroupAuditedOnceInOrder()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node());
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [server.Endpoint] });
        var auditor = new ChainAuditor(Chain.Genesis);
        var seen = new List<ulong>();
        var audit = new EndpointAudit(client, auditor) { GroupAudited = group => seen.AddRange(group.Select(b => b.Header.Height)) };

        await audit.RunAsync(ChainBlocks, CancellationToken.None);
        await audit.RequireLatestCertifiedAsync(0, CancellationToken.None);

        Assert.That(auditor.Failure, Is.Null);
        Assert.That(auditor.VerifiedHeight, Is.EqualTo((ulong)ChainBlocks));
        Assert.That(auditor.CertifiedBlocks, Is.EqualTo((ulong)ChainBlocks));
        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, ChainBlocks).Select(h => (ulong)h)));
        Assert.That(audit.VerifyTime, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task RunAsync_CheckpointAlwaysDue_AuditsOneBlockPerGroupAndWritesAfterEach()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node());
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [server.Endpoint] });
        var auditor = new ChainAuditor(Chain.Genesis);
        var groupSizes = new List<int>();
        var writtenAt = new List<ulong>();
        var audit = new EndpointAudit(client, auditor)
        {
            GroupAudited = group => groupSizes.Add(group.Count),
            CheckpointDue = () => true,
            WriteCheckpointAsync = _ =>
            {
                writtenAt.Add(auditor.VerifiedHeight);
                return Task.CompletedTask;
            },
        };

        await audit.RunAsync(ChainBlocks, CancellationToken.None);

        Assert.That(groupSizes, Has.Count.EqualTo(ChainBlocks));
        Assert.That(groupSizes, Is.All.EqualTo(1));
        Assert.That(writtenAt, Is.EqualTo(Enumerable.Range(1, ChainBlocks).Select(h => (ulong)h)));
    }

    private static FakeLedgerApi Node()
    {
        var api = new FakeLedgerApi { BlocksPerCallMax = NodeBlocksPerCall };
        api.Blocks.AddRange(Chain.Blocks);
        foreach (var certified in Chain.Certified)
        {
            api.Certified[certified.Header.Height] = certified;
        }

        api.Certified[0] = Chain.Certified[^1];
        return api;
    }
}
