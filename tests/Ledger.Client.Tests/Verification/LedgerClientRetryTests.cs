using Ledger.Client.Tests.Support;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

public sealed class LedgerClientRetryTests
{
    private const int Unavailable = 14;

    private static LedgerClient Client(FakeGrpcHandler handler, params string[] endpoints) => new(new LedgerClientOptions
    {
        Endpoints = [.. endpoints.Select(e => new Uri(e))],
        HttpHandler = handler,
        BackoffInitial = TimeSpan.FromMilliseconds(1),
        BackoffMax = TimeSpan.FromMilliseconds(2),
        AttemptsMax = 4,
    });

    [Test]
    public async Task StatusAsync_FollowerAnswersUnavailableWithLeaderHint_RetriesAtTheLeader()
    {
        using var handler = new FakeGrpcHandler(uri => uri.Port == 7054
            ? (0, new StatusResponse { NodeId = "node-3", Role = "leader" }, null)
            : (Unavailable, null, new Dictionary<string, string> { [LeaderHint.TrailerKey] = "http://127.0.0.1:7054" }));
        await using var client = Client(handler, "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        var status = await client.StatusAsync();

        Assert.That(status.NodeId, Is.EqualTo("node-3"));
        Assert.That(handler.Calls, Is.EqualTo(new[] { "http://127.0.0.1:7050", "http://127.0.0.1:7054" }));
        Assert.That(client.CurrentEndpoint.Port, Is.EqualTo(7054));
    }

    [Test]
    public async Task StatusAsync_HintNamesTheLeaderByNodeId_LearnsEndpointsNodeIdsOnceAndGoesStraightToTheLeader()
    {
        // Nodes know each other's peer addresses, not public ones, so they hint with the leader's node id.
        using var handler = new FakeGrpcHandler(uri => uri.Port switch
        {
            7054 => (0, new StatusResponse { NodeId = "node-3", Role = "leader" }, null),
            7050 => (Unavailable, null, new Dictionary<string, string> { [LeaderHint.TrailerKey] = "node-3" }),
            _ => (Unavailable, null, null),
        });
        await using var client = Client(handler, "http://127.0.0.1:7050", "http://127.0.0.1:7052", "http://127.0.0.1:7056", "http://127.0.0.1:7054");

        var status = await client.StatusAsync();

        Assert.That(status.NodeId, Is.EqualTo("node-3"));
        Assert.That(handler.Calls, Is.EqualTo(new[]
        {
            "http://127.0.0.1:7050",
            "http://127.0.0.1:7050", "http://127.0.0.1:7052", "http://127.0.0.1:7056", "http://127.0.0.1:7054",
            "http://127.0.0.1:7054",
        }));
        Assert.That(client.CurrentEndpoint.Port, Is.EqualTo(7054));
    }

    [Test]
    public async Task StatusAsync_UnavailableWithoutHint_FailsOverToNextEndpoint()
    {
        using var handler = new FakeGrpcHandler(uri => uri.Port == 7052
            ? (0, new StatusResponse { NodeId = "node-2" }, null)
            : (Unavailable, null, null));
        await using var client = Client(handler, "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        var status = await client.StatusAsync();

        Assert.That(status.NodeId, Is.EqualTo("node-2"));
    }

    [Test]
    public void StatusAsync_EveryNodeUnavailable_ThrowsLedgerUnavailableAfterAttemptBudget()
    {
        using var handler = new FakeGrpcHandler(_ => (Unavailable, null, null));
        var client = Client(handler, "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        Assert.That(async () => await client.StatusAsync(), Throws.TypeOf<LedgerUnavailableException>());
        Assert.That(handler.Calls, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task StatusAsync_NonRetryableStatus_IsNotRetried()
    {
        using var handler = new FakeGrpcHandler(_ => (7, null, null));
        await using var client = Client(handler, "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        Assert.That(async () => await client.StatusAsync(), Throws.TypeOf<Grpc.Core.RpcException>());
        Assert.That(handler.Calls, Has.Count.EqualTo(1));
    }
}
