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

                    // Checked at the peer boundary on the drive loop (PeerMessageValidator), against the node's state
                    // when it is stepped: proposals, snapshots outside InstallSnapshot and malformed frames are dropped and counted there.
                    // Before that, entries stamped implausibly (or from a leader already refused this term) are dropped unacknowledged.
                    if (node.EntryTimeCheck.Admits(message))
                    {
                        node.Driver.TryDeliverFromPeer(message);
                    }

                    break;
                case PeerFrame.PayloadOneofCase.Attestation:
                    if (!string.Equals(frame.Attestation.NodeId, frame.FromNodeId, StringComparison.Ordinal))
                    {
                        throw new RpcException(new Status(StatusCode.PermissionDenied, "a node may only relay its own attestations"));
                    }

                    // Verified and stored on the attestation worker: this loop carries the peer's Raft messages too.
                    node.AttestationWorker.OnAttestationReceived(frame.Attestation);
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
        using var span = Tracing.NodeTracing.StartAcceptForwarded(context.RequestHeaders, node.NodeId);
        span?.SetTag(Tracing.NodeTracing.TransactionsTag, request.Transactions.Count);
        return Task.FromResult(node.AcceptForwarded(request));
    }

    /// <summary>
    /// Attestations for a catching-up peer (see <see cref="Attestation.AttestationCatchUp"/>): same admission as
    /// frames (certificate and claimed sender name one admitted node), answered only from this node's store.
    /// </summary>
    public override Task<GetAttestationsResponse> GetAttestations(GetAttestationsRequest request, ServerCallContext context)
    {
        var authenticated = AuthenticatedPeer(context);
        if (request.FromNodeId.Length == 0 || node.Directory.RefusalFor(request.FromNodeId) is not null
            || (authenticated is not null && !string.Equals(authenticated, request.FromNodeId, StringComparison.Ordinal)))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "attestations are served to admitted consortium nodes only, each under its own certificate"));
        }

        return Task.FromResult(Attestation.AttestationCatchUpServer.Answer(node.Collector, node.Blocks.LatestHeight, request));
    }

    /// <summary>
    /// Snapshot transfer from the leader: the certificate (with TLS) and the claimed sender must name
    /// the same consortium node; the receiver stages, verifies and hands the snapshot to Raft.
    /// </summary>
    public override async Task<SnapshotAck> InstallSnapshot(IAsyncStreamReader<SnapshotChunk> requestStream, ServerCallContext context)
    {
        var authenticated = AuthenticatedPeer(context);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        var sender = new PeekedSenderReader(requestStream);
        if (!await sender.PeekAsync(linked.Token).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "empty snapshot stream"));
        }

        var fromNodeId = sender.First!.FromNodeId;
        if (fromNodeId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "snapshot stream names no sender"));
        }

        // Same admission as Raft frames: a leader added by governance may send snapshots too.
        if (node.Directory.RefusalFor(fromNodeId) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }

        var peerRaftId = RaftNodeIds.Of(fromNodeId);
        if (authenticated is not null && !string.Equals(authenticated, fromNodeId, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"certificate of '{authenticated}' cannot send snapshots as '{fromNodeId}'"));
        }

        if (peerRaftId == node.RaftId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a node cannot send a snapshot to itself"));
        }

        return await node.SnapshotReceiver.ReceiveAsync(sender, peerRaftId, linked.Token).ConfigureAwait(false);
    }

    /// <summary>Reads the first chunk ahead (to authenticate its sender) and replays it to the receiver.</summary>
    private sealed class PeekedSenderReader(IAsyncStreamReader<SnapshotChunk> inner) : IAsyncStreamReader<SnapshotChunk>
    {
        // 0: the peeked chunk is yet to be replayed; 1: it is Current; 2: reading through.
        private int replayState;

        public SnapshotChunk? First { get; private set; }

        public SnapshotChunk Current => replayState == 1 ? First! : inner.Current;

        public async Task<bool> PeekAsync(CancellationToken token)
        {
            if (!await inner.MoveNext(token).ConfigureAwait(false))
            {
                return false;
            }

            First = inner.Current;
            return true;
        }

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (replayState == 0 && First is not null)
            {
                replayState = 1;
                return Task.FromResult(true);
            }

            replayState = 2;
            return inner.MoveNext(cancellationToken);
        }
    }

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
