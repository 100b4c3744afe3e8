namespace Ledger.Storage.Blocks;

/// <summary>The committed end of the chain, swapped as one immutable value so readers see a consistent triple.</summary>
public sealed record ChainTip(ulong Height, byte[] BlockHash, ulong AppliedRaftIndex, ulong LogSize);
