namespace Ledger.Core.Evidence;

/// <summary>A chain's governance transactions cannot be replayed (e.g. a vote executes a proposal that is not in the chain).</summary>
public sealed class GovernanceReplayException : Exception
{
    public GovernanceReplayException(string message)
        : base(message)
    {
    }

    public GovernanceReplayException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
