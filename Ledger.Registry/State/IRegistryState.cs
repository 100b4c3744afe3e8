using System.Diagnostics.CodeAnalysis;

namespace Ledger.Registry.State;

/// <summary>
/// Read access to registry state, as of the last applied block. Point reads may come from several
/// threads at once (the applier's state-root fold and batch checks read in parallel while nothing
/// writes), so implementations must allow concurrent readers.
/// </summary>
public interface IRegistryStateReader
{
    bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value);

    /// <summary>
    /// Entries whose key starts with <paramref name="prefix"/>, in ascending bytewise key order,
    /// beginning strictly after <paramref name="startAfter"/> when given. Lazy: callers stop early.
    /// </summary>
    IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null);
}

/// <summary>
/// Registry state. <see cref="RegistryApplier"/> only reads; the host applies the block's
/// <see cref="StateWrite"/>s, atomically with the block itself (Ledger.Storage puts them in the
/// same RocksDB WriteBatch).
/// </summary>
public interface IRegistryState : IRegistryStateReader
{
    /// <summary>Applies every write or none. Writes are in ascending key order, each key once.</summary>
    void Apply(IReadOnlyList<StateWrite> writes);
}
