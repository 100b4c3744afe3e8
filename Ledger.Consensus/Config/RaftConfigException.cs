namespace Ledger.Consensus;

/// <summary>A <see cref="RaftConfig"/> value or relationship between values is invalid.</summary>
public sealed class RaftConfigException : Exception
{
    public RaftConfigException(string message)
        : base(message)
    {
    }
}
