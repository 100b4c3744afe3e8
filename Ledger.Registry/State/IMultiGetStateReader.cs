namespace Ledger.Registry.State;

/// <summary>
/// A state that answers many point reads in one call more cheaply than one by one (RocksDB's
/// batched MultiGet). Optional: the applier uses it, when the state has it, to fetch the keys a
/// block is known to read before its first transaction runs.
/// </summary>
public interface IMultiGetStateReader : IRegistryStateReader
{
    /// <summary>
    /// For each key, what <see cref="IRegistryStateReader.TryGet"/> would answer: the value, or
    /// null when absent. <paramref name="values"/> has one slot per key.
    /// </summary>
    void TryGetMany(ReadOnlySpan<StateKey> keys, Span<byte[]?> values);
}
