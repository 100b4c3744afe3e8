using Ledger.Core.Protocol;

namespace Ledger.Node.Attestation;

/// <summary>Where certification catch-up asks for attestations: the peers' <c>GetAttestations</c> (a fake in tests).</summary>
public interface IAttestationSource
{
    /// <summary>Raft ids of the nodes that may be asked, this node excluded.</summary>
    IReadOnlyList<ulong> Peers { get; }

    /// <summary>Asks <paramref name="peerRaftId"/>; throws on transport failure or a refused call.</summary>
    Task<GetAttestationsResponse> GetAttestationsAsync(ulong peerRaftId, GetAttestationsRequest request, CancellationToken cancellationToken);
}
