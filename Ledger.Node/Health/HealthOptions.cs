namespace Ledger.Node.Health;

/// <summary>
/// What readiness demands (<c>Node:Health:*</c>), the same answer for <c>/readyz</c> and the gRPC health
/// service. Checked once at start-up (<see cref="Validate"/>).
/// </summary>
public sealed class HealthOptions
{
    public const long AppliedLagEntriesMaxLimit = 100_000_000;

    /// <summary>
    /// Ready only while the Raft entries this node knows committed and has not applied yet number at most
    /// this many. The apply queue holds at most 1,024 entries, so a node whose apply keeps up stays far
    /// below the default; one that is stuck (a slow or failing disk) or rebuilding blocks after a restart
    /// crosses it.
    /// </summary>
    public long AppliedLagEntriesMax { get; set; } = 10_000;

    /// <summary>Ready only while this node knows a leader (it leads or follows one). Off only for a node that must answer reads during an outage of the majority.</summary>
    public bool RequireLeader { get; set; } = true;

    public void Validate()
    {
        if (AppliedLagEntriesMax is < 1 or > AppliedLagEntriesMaxLimit)
        {
            throw new InvalidOperationException($"Node:Health:AppliedLagEntriesMax must be within 1..{AppliedLagEntriesMaxLimit}, was {AppliedLagEntriesMax}");
        }
    }
}
