using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Node.Attestation;

/// <summary>
/// The serving side of <c>GetAttestations</c>: answers only from what this node stores, and of that only
/// the attestations that vouch for the block this node itself applied at each height (see
/// <see cref="AttestationCollector.AgreeingAttestations"/>) — never one it merely received for another
/// hash. Whole heights only, in ascending order, within <see cref="AttestationCatchUpBounds"/>; the answer's
/// <c>next_height</c> says where it stopped.
/// </summary>
public static class AttestationCatchUpServer
{
    /// <exception cref="RpcException">InvalidArgument when the request is outside the bounds.</exception>
    public static GetAttestationsResponse Answer(AttestationCollector collector, ulong latestHeight, GetAttestationsRequest request)
    {
        ArgumentNullException.ThrowIfNull(collector);
        if (AttestationCatchUpBoundary.RequestRefusal(request) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, refusal));
        }

        var answer = new GetAttestationsResponse { CertifiedHeight = collector.CertifiedHeight };
        var end = request.FromHeight + request.HeightCount;
        var height = request.FromHeight;
        long bytes = 0;
        for (; height < end && height <= latestHeight; height++)
        {
            var agreeing = collector.AgreeingAttestations(height);
            long heightBytes = 0;
            foreach (var attestation in agreeing)
            {
                heightBytes += attestation.CalculateSize();
            }

            if (answer.Attestations.Count + agreeing.Count > AttestationCatchUpBounds.AttestationsPerResponseMax
                || bytes + heightBytes > AttestationCatchUpBounds.ResponseBytesMax)
            {
                break;
            }

            foreach (var attestation in agreeing)
            {
                // Ours are bounded when made; one received from a peer and kept is re-checked before it is relayed.
                if (attestation.CalculateSize() <= AttestationCatchUpBounds.AttestationBytesMax)
                {
                    answer.Attestations.Add(attestation);
                }
            }

            bytes += heightBytes;
        }

        answer.NextHeight = height;
        return answer;
    }
}
