namespace Ledger.Consensus;

/// <summary>A proposal, conf change or ReadIndex request was not accepted; retry elsewhere or later.</summary>
public sealed class ProposalDroppedException : Exception
{
    public ProposalDroppedException(ProposalDropReason reason)
        : base($"Proposal dropped: {reason}.")
    {
        Reason = reason;
    }

    public ProposalDropReason Reason { get; }
}
