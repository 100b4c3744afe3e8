using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Governance;
using Ledger.Node.Peers;

namespace Ledger.Node.Attestation;

/// <summary>Asks the consortium's other active nodes over the peer service (mTLS with TLS configured), one unary call per request.</summary>
public sealed class PeerAttestationSource(NodeDirectory directory, PeerNetwork network, TimeProvider timeProvider) : IAttestationSource
{
    public IReadOnlyList<ulong> Peers => directory.BroadcastTargets;

    public async Task<GetAttestationsResponse> GetAttestationsAsync(ulong peerRaftId, GetAttestationsRequest request, CancellationToken cancellationToken)
    {
        var client = network.ClientFor(peerRaftId)
            ?? throw new RpcException(new Status(StatusCode.Unavailable, $"no address known for peer {peerRaftId}"));
        var deadline = timeProvider.GetUtcNow().UtcDateTime.AddMilliseconds(AttestationCatchUpBounds.RequestDeadlineMilliseconds);
        return await client.GetAttestationsAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
