namespace Ledger.Node.Configuration;

/// <summary>The node's flags or configuration are wrong: the start stops with this one line and exit code 2.</summary>
public sealed class NodeConfigurationException : InvalidOperationException
{
    public NodeConfigurationException(string message)
        : base(message)
    {
    }

    public NodeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
