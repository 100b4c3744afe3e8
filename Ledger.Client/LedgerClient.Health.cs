using Grpc.Core;
using Grpc.Health.V1;

namespace Ledger.Client;

public sealed partial class LedgerClient
{
    /// <summary>
    /// Readiness of the node at <see cref="CurrentEndpoint"/> as the standard gRPC health service says it
    /// (<c>grpc.health.v1.Health/Check</c>, service name empty): SERVING, or NOT_SERVING while the node is
    /// recovering, after its Raft loop faulted, or after it found local damage. Asked once, of that one
    /// node, within <see cref="LedgerClientOptions.AttemptDeadline"/>: no failover and no retry, because a
    /// readiness probe must report on the node it probes, not on whichever node answers.
    /// </summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(CancellationToken cancellation = default)
    {
        var deadline = options.TimeProvider.GetUtcNow().UtcDateTime + options.AttemptDeadline;
        var response = await new Health.HealthClient(Channel(CurrentEndpoint))
            .CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: deadline, cancellationToken: cancellation))
            .ResponseAsync.ConfigureAwait(false);
        return response.Status;
    }
}
