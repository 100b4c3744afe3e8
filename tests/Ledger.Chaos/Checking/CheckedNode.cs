using Ledger.Client;

namespace Ledger.Chaos.Checking;

/// <summary>
/// A node whose chain the checker reads: its id and SDK options naming its public endpoint only
/// (with the TLS settings the rig uses for its clients).
/// </summary>
public sealed record CheckedNode(string NodeId, LedgerClientOptions Client)
{
    /// <summary>A node reached over plain gRPC at <paramref name="publicUrl"/> (loopback test clusters).</summary>
    public static CheckedNode Plain(string nodeId, string publicUrl) =>
        new(nodeId, new LedgerClientOptions { Endpoints = [new Uri(publicUrl)] });
}
