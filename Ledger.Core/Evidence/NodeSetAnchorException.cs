namespace Ledger.Core.Evidence;

/// <summary>A node-set change or anchor that does not verify (<see cref="NodeSetAnchors"/>).</summary>
public sealed class NodeSetAnchorException : Exception
{
    public NodeSetAnchorException(string message)
        : base(message)
    {
    }

    public NodeSetAnchorException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
