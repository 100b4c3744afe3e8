using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>The drive loop's input queue is at its bound; the caller should answer ResourceExhausted.</summary>
public sealed class DriverBusyException(string message) : Exception(message);

/// <summary>The drive loop has stopped (shutdown or fault); nothing more will be committed by this node.</summary>
public sealed class DriverStoppedException(Exception? cause)
    : Exception(cause is null ? "the consensus loop has stopped" : $"the consensus loop stopped after a fault: {cause.Message}", cause);

/// <summary>A linearizable read could not be served (no leader, or leadership lost while waiting).</summary>
public sealed class ReadNotPossibleException(ProposalDropReason reason)
    : Exception($"linearizable read not possible: {reason}")
{
    public ProposalDropReason Reason { get; } = reason;
}
