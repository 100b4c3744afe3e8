namespace Ledger.Chaos.Workload;

/// <summary>One node as the workload's clients see it: its id (recorded with each operation) and its public endpoint.</summary>
public sealed record WorkloadNode(string NodeId, Uri PublicEndpoint);
