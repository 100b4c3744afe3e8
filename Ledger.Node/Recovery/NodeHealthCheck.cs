using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Node.Recovery;

/// <summary>
/// Readiness behind the standard gRPC health service (<c>grpc.health.v1.Health</c>, empty service name):
/// NOT_SERVING while the node is recovering (it does not vote or count toward commit yet), after its
/// Raft loop faulted, or after it found local damage; SERVING otherwise.
/// </summary>
public sealed class NodeHealthCheck(LedgerNode node) : IHealthCheck
{
    public const string Name = "ledger-node";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (node.Damage.Current is { } damage)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"local disk damage: {damage.Description}"));
        }

        if (node.Driver.Fault is { } fault)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"stopped after a fault: {fault.Message}"));
        }

        var (recovering, reason) = node.Recovery;
        return Task.FromResult(recovering ? HealthCheckResult.Unhealthy($"recovering: {reason}") : HealthCheckResult.Healthy());
    }
}
