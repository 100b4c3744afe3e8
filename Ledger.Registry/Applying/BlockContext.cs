namespace Ledger.Registry.Applying;

/// <summary>What the host knows about the block being applied. The timestamp is the leader's, stamped by the batcher.</summary>
public sealed record BlockContext(string ChainId, ulong Height, long TimestampUnixMs);
