namespace Ledger.Consensus;

/// <summary>Node <paramref name="NodeId"/> acknowledged (durably stored) its log up to <paramref name="Position"/>.</summary>
public readonly record struct AcknowledgedWatermark(ulong NodeId, LogPosition Position);
