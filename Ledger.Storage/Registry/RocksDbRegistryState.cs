using System.Diagnostics.CodeAnalysis;
using Ledger.Registry.State;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// Registry state in the <c>registry_state</c> column family. Keys are the registry's own bytewise
/// keys, so RocksDB's default comparator gives the same scan order as the in-memory state. Writes
/// are normally staged with <see cref="Stage"/> into the block's WriteBatch so state, block and
/// applied index commit together; <see cref="Apply"/> is the stand-alone form (genesis).
/// </summary>
public sealed class RocksDbRegistryState : IRegistryState
{
    private readonly LedgerDatabase database;

    public RocksDbRegistryState(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        value = database.Get(database.RegistryState, key.Span);
        return value is not null;
    }

    public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null)
    {
        if (startAfter is { } after && !after.StartsWith(prefix))
        {
            throw new ArgumentException("startAfter must lie inside the scanned prefix", nameof(startAfter));
        }

        return ScanIterator(prefix, startAfter);
    }

    private IEnumerable<StateEntry> ScanIterator(StateKey prefix, StateKey? startAfter)
    {
        using var iterator = database.NewIterator(database.RegistryState);
        iterator.Seek((startAfter ?? prefix).UnsafeBytes);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(prefix.Span))
            {
                yield break;
            }

            if (startAfter is { } skip && skip.Span.SequenceEqual(key))
            {
                iterator.Next();
                continue;
            }

            yield return new StateEntry(new StateKey(key), iterator.Value());
            iterator.Next();
        }
    }

    /// <summary>Adds <paramref name="writes"/> to <paramref name="batch"/>; they take effect when the batch is written.</summary>
    public void Stage(WriteBatch batch, IReadOnlyList<StateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                batch.Delete(write.Key.UnsafeBytes, database.RegistryState);
            }
            else
            {
                batch.Put(write.Key.UnsafeBytes, write.Value, database.RegistryState);
            }
        }
    }

    public void Apply(IReadOnlyList<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        Stage(batch, writes);
        database.Write(batch, sync: true);
    }
}
