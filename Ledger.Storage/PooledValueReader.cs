namespace Ledger.Storage;

/// <summary>Reads a value handed over in a pooled buffer (<see cref="LedgerDatabase.TryRead"/>); the span is only valid during the call.</summary>
public delegate TResult PooledValueReader<in TState, out TResult>(ReadOnlySpan<byte> value, TState state);
