using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Services;

/// <summary>
/// CVE-2023-44487: a client opening and resetting streams as fast as it can write them. Kestrel's
/// mitigation (REFUSED_STREAM, then GOAWAY ENHANCE_YOUR_CALM, once streams reset by the client but still
/// running exceed SETTINGS_MAX_CONCURRENT_STREAMS) stays on for the node's listeners; the node's handlers
/// end promptly on reset, so the attack leaves no work or memory behind and the node keeps serving others.
/// </summary>
[NonParallelizable]
public sealed class RapidResetTests
{
    private const int ResetsPerAttacker = 20_000;
    private const int Attackers = 4;

    /// <summary>Heap growth allowed after the attack: a reset stream must leave nothing behind.</summary>
    private const long HeapGrowthBytesMax = 32L * 1024 * 1024;

    [TestCase("/ledger.v1.LedgerApi/Watch")]
    [TestCase("/ledger.v1.LedgerApi/SubmitStream")]
    public async Task RapidReset_ManyStreamsOpenedAndResetAtOnce_NodeKeepsServingOthersWithBoundedMemory(string path)
    {
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        var port = new Uri(node.PublicUrl).Port;
        await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var written = 0;
        var closedByServer = 0;
        var goAways = new List<int>();
        for (var a = 0; a < Attackers; a++)
        {
            await using var attacker = await RapidResetClient.ConnectAsync(port);
            written += await attacker.OpenAndResetAsync(path, $"127.0.0.1:{port}", ResetsPerAttacker);
            closedByServer += attacker.ClosedByServer ? 1 : 0;
            goAways.Add(attacker.GoAwayErrorCode);
        }

        var served = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30));
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine($"{path}: {written} streams opened and reset by {Attackers} connections; closed by the server: {closedByServer}; GOAWAY codes: {string.Join(",", goAways)}; heap growth {(heapAfter - heapBefore) / 1024} KiB");

        Assert.Multiple(() =>
        {
            Assert.That(written == Attackers * ResetsPerAttacker || closedByServer > 0, Is.True, "every stream was opened and reset, or the server shut the attacker out");
            Assert.That(served.Receipt, Is.Not.Null, "another client is served after the attack");
            Assert.That(heapAfter - heapBefore, Is.LessThan(HeapGrowthBytesMax), "managed heap after a full GC");
        });
    }
}
