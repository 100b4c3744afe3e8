namespace Ledger.Consensus;

/// <summary>Volatile state that need not be persisted: who the node believes leads, and its own role.</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);
