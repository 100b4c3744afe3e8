using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Submission;

/// <summary>
/// A node that knows no leader answers Unavailable with the <see cref="LeaderHint.NoLeaderTrailerKey"/>
/// marker, so a client can tell an election under way (retry with backoff) from a node that is down.
/// </summary>
[NonParallelizable]
public sealed class NoLeaderMarkerTests
{
    private TestConsortium consortium = null!;
    private InProcessNode alone = null!;

    [OneTimeSetUp]
    public async Task StartOneNodeOfThree()
    {
        // One node of a three-node consortium, the other two never started: it never learns a leader.
        consortium = new TestConsortium(3);
        alone = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await alone.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await alone.DisposeAsync();
        consortium.Dispose();
    }

    [Test]
    public void Submit_NoLeaderKnown_UnavailableWithTheNoLeaderMarkerAndNoLeaderHint()
    {
        var refused = Assert.ThrowsAsync<RpcException>(async () =>
            await alone.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.Unavailable), refused.Status.Detail);
            Assert.That(refused.Status.Detail, Does.Contain("no leader is known"));
            Assert.That(refused.Trailers.GetValue(LeaderHint.NoLeaderTrailerKey), Is.EqualTo(LeaderHint.NoLeaderTrailerValue));
            Assert.That(refused.Trailers.Get(LeaderHint.TrailerKey), Is.Null);
        });
    }

    [Test]
    public void GetTransaction_LinearizableWithNoLeaderKnown_UnavailableWithTheNoLeaderMarker()
    {
        var request = new GetTransactionRequest { TxHash = ByteString.CopyFrom(new byte[32]), Consistency = ReadConsistency.Linearizable };

        var refused = Assert.ThrowsAsync<RpcException>(async () => await alone.Client.GetTransactionAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.Unavailable), refused.Status.Detail);
            Assert.That(refused.Trailers.GetValue(LeaderHint.NoLeaderTrailerKey), Is.EqualTo(LeaderHint.NoLeaderTrailerValue));
        });
    }
}
