namespace Ledger.Storage.Raft;

/// <summary>A write to the Raft log would break its shape (gap, non-contiguous append, term going back): a bug in the caller, never data to keep.</summary>
public sealed class RaftStorageInvariantException(string message) : InvalidOperationException(message);
