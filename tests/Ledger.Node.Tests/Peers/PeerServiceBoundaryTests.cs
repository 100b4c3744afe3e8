using Google.Protobuf;
using Grpc.Net.Client;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Peers;

/// <summary>The peer boundary over the real peer service: an admitted node's frames that Raft must never see.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PeerServiceBoundaryTests
{
    [Test]
    public async Task Exchange_ProposalFromAnAdmittedPeer_IsRefusedAndNeverAppended()
    {
        // Arrange: the leader of a 3-node cluster, and a stream that speaks as one of its followers.
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        var lastIndexBefore = leader.Node.RaftStatus.LastIndex;
        using var channel = GrpcChannel.ForAddress(cluster.Consortium.Nodes[cluster.Nodes.IndexOf(leader)].PeerUrl);
        using var call = new LedgerPeer.LedgerPeerClient(channel).Exchange();
        var proposal = new RaftMessage
        {
            Type = (uint)MessageType.Prop,
            From = RaftNodeIds.Of(follower.Node.NodeId),
            To = leader.Node.RaftStatus.Id,
        };
        proposal.Entries.Add(new RaftEntry { Type = (uint)EntryType.Normal, Data = ByteString.CopyFromUtf8("a court judgment no member signed") });

        // Act
        await call.RequestStream.WriteAsync(new PeerFrame { FromNodeId = follower.Node.NodeId, Raft = proposal });
        await Eventually.WaitUntilAsync(() => leader.Node.Metrics.PeerFramesRefused.WithLabels("proposal_from_peer").Value >= 1);

        // Assert
        Assert.That(leader.Node.RaftStatus.LastIndex, Is.EqualTo(lastIndexBefore), "nothing was appended to the leader's log");
        Assert.That(leader.Node.Driver.Fault, Is.Null);
    }
}
