namespace Ledger.Chaos.Hooks;

/// <summary>A node's public API as the workload and the checker reach it (plain gRPC on loopback).</summary>
public sealed record NodeEndpoint(string NodeId, string PublicUrl);
