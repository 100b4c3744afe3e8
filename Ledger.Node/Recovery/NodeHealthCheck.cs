using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Node.Recovery;

/// <summary>
/// Readiness behind the standard gRPC health service (<c>grpc.health.v1.Health</c>, empty service name),
/// the same answer as <c>/readyz</c> (<see cref="Health.NodeReadiness.Ready"/>): NOT_SERVING while the node
/// recovers, after its Raft loop or attestation work faulted, after it found local damage or divergence,
/// while its disk is below the reserve or a storage write waits for space, while it knows no leader, or
/// while its apply is too far behind its commit index; SERVING otherwise.
/// </summary>
public sealed class NodeHealthCheck(LedgerNode node) : IHealthCheck
{
    public const string Name = "ledger-node";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = node.Readiness.Ready();
        return Task.FromResult(report.IsHealthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(report.Describe()));
    }
}
