using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Consensus;

namespace Ledger.Node.Services;

/// <summary>
/// The node-to-node service. With TLS on, the caller's certificate (already chained to the
/// consortium CA by Kestrel) must name a node the registry admits now (see
/// <see cref="Governance.NodeDirectory.RefusalFor"/>), and every frame must claim to be from that
/// same node; anything else is refused with PermissionDenied. Admission is re-checked per frame, so
/// a node governance removed is cut off once its removal is applied.
/// </summary>
public sealed class LedgerPeerService(LedgerNode node, bool requirePeerCertificates, CancellationToken stopping) : LedgerPeer.LedgerPeerBase
{
    public override async Task Exchange(IAsyncStreamReader<PeerFrame> requestStream, IServerStreamWriter<PeerAck> responseStream, ServerCallContext context)
    {
        var authenticated = AuthenticatedPeer(context);

        // Peer streams never end on their own; shutting down must not wait for the other side to hang up.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            await ReceiveAsync(requestStream, responseStream, authenticated, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (linked.Token.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
        }
    }

    private async Task ReceiveAsync(IAsyncStreamReader<PeerFrame> requestStream, IServerStreamWriter<PeerAck> responseStream, string? authenticated, CancellationToken token)
    {
        ulong received = 0;
        string? senderId = null;
        ulong senderRaftId = 0;
        await foreach (var frame in requestStream.ReadAllAsync(token).ConfigureAwait(false))
        {
            if (!string.Equals(senderId, frame.FromNodeId, StringComparison.Ordinal))
            {
                // Hashing the id once per stream, not per frame.
                senderRaftId = frame.FromNodeId.Length == 0 ? 0 : RaftNodeIds.Of(frame.FromNodeId);
                senderId = frame.FromNodeId;
            }

            if (senderRaftId == 0)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "peer frame names no sender"));
            }

            if (node.Directory.RefusalFor(frame.FromNodeId) is { } refusal)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
            }

            if (authenticated is not null && !string.Equals(authenticated, frame.FromNodeId, StringComparison.Ordinal))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"certificate of '{authenticated}' cannot send frames as '{frame.FromNodeId}'"));
            }

            switch (frame.PayloadCase)
            {
                case PeerFrame.PayloadOneofCase.Raft:
                    var message = DecodeRaft(frame.Raft);
                    if (message.From != senderRaftId || message.To != node.RaftId)
                    {
                        throw new RpcException(new Status(StatusCode.PermissionDenied, $"raft message from {message.From} to {message.To} does not match the stream ({senderRaftId} to {node.RaftId})"));
                    }

                    node.Driver.TryDeliver(message);
                    break;
                case PeerFrame.PayloadOneofCase.Attestation:
                    if (!string.Equals(frame.Attestation.NodeId, frame.FromNodeId, StringComparison.Ordinal))
                    {
                        throw new RpcException(new Status(StatusCode.PermissionDenied, "a node may only relay its own attestations"));
                    }

                    node.Collector.OnAttestationReceived(frame.Attestation);
                    break;
                default:
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "empty peer frame"));
            }

            if (++received % 1024 == 0)
            {
                await responseStream.WriteAsync(new PeerAck { FramesReceived = received }, token).ConfigureAwait(false);
            }
        }
    }

    public override Task<ForwardResponse> Forward(ForwardRequest request, ServerCallContext context)
    {
        AuthenticatedPeer(context);
        return Task.FromResult(node.AcceptForwarded(request));
    }

    public override Task<SnapshotAck> InstallSnapshot(IAsyncStreamReader<SnapshotChunk> requestStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "snapshot transfer is not implemented yet; a lagging node catches up from the leader's log"));

    private string? AuthenticatedPeer(ServerCallContext context)
    {
        if (!requirePeerCertificates)
        {
            return null;
        }

        var certificate = context.GetHttpContext().Connection.ClientCertificate as X509Certificate2
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "peer calls require a client certificate"));
        var nodeId = ConsortiumCertificateAuthority.NodeIdOf(certificate)
            ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "the certificate names no node"));
        if (node.Directory.RefusalFor(nodeId) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"certificate refused: {refusal}"));
        }

        return nodeId;
    }

    private static global::Ledger.Consensus.Message DecodeRaft(RaftMessage wire)
    {
        try
        {
            return RaftWireCodec.FromWire(wire);
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"malformed raft message: {e.Message}"));
        }
    }
}
