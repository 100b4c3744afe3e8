using Grpc.Core;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

/// <summary>
/// Issue 15, point 5: a node that was down may not (yet) hold the certification of a block another node
/// certified. Its answer is a precise status (<see cref="NotCertifiedAnswer"/>), and a client given several
/// endpoints asks the next one instead of reporting the block uncertified.
/// </summary>
public sealed class NotCertifiedFailoverTests
{
    private const string Lagging = "http://127.0.0.1:7050";
    private const string Certifying = "http://127.0.0.2:7050";
    private const string AlsoLagging = "http://127.0.0.3:7050";
    private static readonly TestChain Chain = new();

    // As `ledger evidence export` asks: the node set in force at the height (here the genesis nodes).
    private static readonly ConsortiumState NodeSet = new(Chain.Genesis);

    private static readonly Dictionary<string, string> NotCertifiedTrailer = new() { [NotCertifiedAnswer.TrailerKey] = "1" };

    private static FakeGrpcHandler Nodes(params string[] certifyingHosts) => new(uri =>
        certifyingHosts.Contains(uri.GetLeftPart(UriPartial.Authority))
            ? (0, Chain.Block2, null)
            : ((int)NotCertifiedAnswer.Code, null, NotCertifiedTrailer));

    private static LedgerClient Client(FakeGrpcHandler handler, params string[] endpoints) => new(new LedgerClientOptions
    {
        Endpoints = [.. endpoints.Select(e => new Uri(e))],
        Genesis = Chain.Genesis,
        HttpHandler = handler,
        BackoffInitial = TimeSpan.FromMilliseconds(1),
        BackoffMax = TimeSpan.FromMilliseconds(1),
    });

    [Test]
    public async Task GetCertifiedHeaderAsync_FirstEndpointNotCertified_AnswersFromTheNextEndpoint()
    {
        using var handler = Nodes(Certifying);
        await using var client = Client(handler, Lagging, Certifying);

        var certified = await client.GetCertifiedHeaderAsync(2, NodeSet);

        Assert.That(certified.Header.Height, Is.EqualTo(2UL));
        Assert.That(handler.Calls, Is.EqualTo(new[] { Lagging, Certifying }));
        Assert.That(client.CurrentEndpoint, Is.EqualTo(new Uri(Certifying)));
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_EveryEndpointNotCertified_AsksEachOnceThenThrowsTheNotCertifiedStatus()
    {
        using var handler = Nodes();
        await using var client = Client(handler, Lagging, AlsoLagging);

        var exception = Assert.ThrowsAsync<RpcException>(() => client.GetCertifiedHeaderAsync(2, NodeSet));

        Assert.That(NotCertifiedAnswer.Is(exception!), Is.True, $"{exception!.StatusCode}");
        Assert.That(handler.Calls, Is.EqualTo(new[] { Lagging, AlsoLagging }));
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_OneEndpointNotCertified_ThrowsAtOnceWithoutRetrying()
    {
        using var handler = Nodes();
        await using var client = Client(handler, Lagging);

        var exception = Assert.ThrowsAsync<RpcException>(() => client.GetCertifiedHeaderAsync(2, NodeSet));

        Assert.That(NotCertifiedAnswer.Is(exception!), Is.True);
        Assert.That(handler.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_PlainFailedPreconditionWithoutTheTrailer_DoesNotFailOver()
    {
        using var handler = new FakeGrpcHandler(_ => ((int)StatusCode.FailedPrecondition, null, null));
        await using var client = Client(handler, Lagging, Certifying);

        var exception = Assert.ThrowsAsync<RpcException>(() => client.GetCertifiedHeaderAsync(2, NodeSet));

        Assert.That(exception!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(handler.Calls, Has.Count.EqualTo(1));
    }
}
