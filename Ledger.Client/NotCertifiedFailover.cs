using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Client;

/// <summary>
/// Failover of one call on a node's "not certified (yet)" answer (<see cref="NotCertifiedAnswer"/>): a node
/// that was down or slow may not (yet) hold the certification of a block another node certified, so with
/// several endpoints the call moves to the next one. Each endpoint is asked at most once for this reason;
/// when every endpoint has given that answer, the last one is the call's result (the block is not certified
/// anywhere the client can see), not a retry loop.
/// </summary>
internal sealed class NotCertifiedFailover(int endpointCount)
{
    private readonly HashSet<Uri> answeredNotCertified = [];

    /// <summary>True when <paramref name="exception"/> from <paramref name="endpoint"/> is that answer and some endpoint has not given it yet.</summary>
    public bool ShouldTryAnotherEndpoint(RpcException exception, Uri endpoint)
    {
        if (endpointCount < 2 || !NotCertifiedAnswer.Is(exception))
        {
            return false;
        }

        answeredNotCertified.Add(endpoint);
        return answeredNotCertified.Count < endpointCount;
    }
}
