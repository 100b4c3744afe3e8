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

    private static readonly Dictionary<string, string> NoLeader = new() { [LeaderHint.NoLeaderTrailerKey] = LeaderHint.NoLeaderTrailerValue };

    private static LedgerClient ElectionClient(FakeGrpcHandler handler, TimeProvider clock, TimeSpan leaderWaitMax, params string[] endpoints) => new(new LedgerClientOptions
    {
        Endpoints = [.. endpoints.Select(e => new Uri(e))],
        HttpHandler = handler,
        BackoffInitial = TimeSpan.FromMilliseconds(100),
        BackoffMax = TimeSpan.FromMilliseconds(400),
        AttemptsMax = 4,
        LeaderWaitMax = leaderWaitMax,
        TimeProvider = clock,
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
    public async Task StatusAsync_NoLeaderAnswersBeyondTheAttemptBudget_RetriedWithCappedBackoffUntilALeaderAnswers()
    {
        // Arrange: an election under way: six answers "no leader is known", then the status.
        var clock = new SteppingTimeProvider();
        var calls = 0;
        using var handler = new FakeGrpcHandler(_ => Interlocked.Increment(ref calls) <= 6
            ? (Unavailable, null, NoLeader)
            : (0, new StatusResponse { NodeId = "node-2" }, null));
        await using var client = ElectionClient(handler, clock, TimeSpan.FromSeconds(10), "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        // Act
        var status = await client.StatusAsync();

        // Assert: seven calls with an attempt budget of four, each retry after a doubling pause capped at 400 ms.
        Assert.That(status.NodeId, Is.EqualTo("node-2"));
        Assert.That(handler.Calls, Has.Count.EqualTo(7));
        Assert.That(clock.Waits.Select(w => w.TotalMilliseconds), Is.EqualTo(new[] { 100, 200, 400, 400, 400, 400 }));
    }

    [Test]
    public void StatusAsync_NoLeaderForLongerThanLeaderWaitMax_ThenCountsAgainstTheAttemptBudgetAndThrows()
    {
        // Arrange: no leader ever (a cluster without a quorum).
        var clock = new SteppingTimeProvider();
        using var handler = new FakeGrpcHandler(_ => (Unavailable, null, NoLeader));
        var client = ElectionClient(handler, clock, TimeSpan.FromSeconds(1), "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        // Act
        var failed = Assert.ThrowsAsync<LedgerUnavailableException>(async () => await client.StatusAsync());

        // Assert: answers at 0, 0.1, 0.3 and 0.7 s wait for the election; from 1.1 s on they spend the four attempts.
        Assert.That(handler.Calls, Has.Count.EqualTo(8));
        Assert.That(failed!.Message, Does.Contain("after 4 attempts"));
    }

    [Test]
    public void StatusAsync_UnavailableWithoutTheNoLeaderMarker_SpendsTheAttemptBudgetAtOnce()
    {
        var clock = new SteppingTimeProvider();
        using var handler = new FakeGrpcHandler(_ => (Unavailable, null, null));
        var client = ElectionClient(handler, clock, TimeSpan.FromSeconds(10), "http://127.0.0.1:7050", "http://127.0.0.1:7052");

        Assert.ThrowsAsync<LedgerUnavailableException>(async () => await client.StatusAsync());

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
