using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;

namespace Ledger.Node.Health;

/// <summary>
/// Liveness and readiness of one node, from state the node already keeps (no I/O, no locks beyond a few
/// volatile reads, so a probe every second costs nothing). One source for <c>/healthz</c>, <c>/readyz</c>
/// and the gRPC health service.
/// <list type="bullet">
/// <item><b>Live</b> unless only a restart can help: the Raft loop stopped after a fault, the attestation
/// work faulted, or local disk damage was found (the host exits then anyway). A node that recovers, has no
/// leader, or whose disk is full is alive: restarting it would not help.</item>
/// <item><b>Ready</b> when live and also: no divergence from the consortium, not recovering, free space at or
/// above the reserve, no storage write waiting for space, a leader known (<see cref="HealthOptions.RequireLeader"/>),
/// and at most <see cref="HealthOptions.AppliedLagEntriesMax"/> committed entries not yet applied.</item>
/// </list>
/// </summary>
public sealed class NodeReadiness(
    HealthOptions options,
    Func<DriverStatus> status,
    Func<ulong> appliedIndex,
    Func<Exception?> driverFault,
    Func<Exception?> attestationFault,
    Func<string?> damage,
    Func<string?> divergence,
    Func<(bool Recovering, string Reason)> recovery,
    DiskSpaceGuard diskSpace,
    StorageWritePause storageWrites)
{
    /// <summary>Liveness: false only when the node cannot get better without a restart.</summary>
    public HealthReport Live()
    {
        var problems = new List<string>(2);
        AddFatal(problems);
        return problems.Count == 0 ? HealthReport.Healthy : new HealthReport(problems);
    }

    /// <summary>Readiness: whether this node should receive traffic now, and every reason it should not.</summary>
    public HealthReport Ready()
    {
        var problems = new List<string>(4);
        AddFatal(problems);
        if (divergence() is { } diverged)
        {
            problems.Add($"diverged from the consortium: {diverged}");
        }

        var (recovering, reason) = recovery();
        if (recovering)
        {
            problems.Add($"recovering: {reason}");
        }

        if (diskSpace.Refusal is { } refusal)
        {
            problems.Add(refusal);
        }

        if (storageWrites.Reason is { } paused)
        {
            problems.Add($"storage writes paused: {paused}");
        }

        var raft = status();
        if (options.RequireLeader && raft.Role != RaftRole.Leader && raft.Leader == 0)
        {
            problems.Add("no leader known");
        }

        var applied = appliedIndex();
        if (raft.Committed > applied && raft.Committed - applied > (ulong)options.AppliedLagEntriesMax)
        {
            problems.Add($"applied index {applied} is {raft.Committed - applied} entries behind the commit index {raft.Committed} (at most {options.AppliedLagEntriesMax})");
        }

        return problems.Count == 0 ? HealthReport.Healthy : new HealthReport(problems);
    }

    private void AddFatal(List<string> problems)
    {
        if (damage() is { } found)
        {
            problems.Add($"local disk damage: {found}");
        }

        if (driverFault() is { } fault)
        {
            problems.Add($"stopped after a fault: {fault.Message}");
        }

        if (attestationFault() is { } attestation)
        {
            problems.Add($"attestation work stopped after a fault: {attestation.Message}");
        }
    }
}
