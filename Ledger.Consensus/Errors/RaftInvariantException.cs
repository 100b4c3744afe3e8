using System.Diagnostics.CodeAnalysis;

namespace Ledger.Consensus;

/// <summary>A safety invariant broke. The node's state can no longer be trusted: stop the process.</summary>
public sealed class RaftInvariantException : Exception
{
    public RaftInvariantException(string message)
        : base(message)
    {
    }

    [DoesNotReturn]
    internal static void Throw(string message) => throw new RaftInvariantException(message);
}
