using System.Diagnostics.CodeAnalysis;
using Ledger.Registry.State;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// The registry state as of one RocksDB snapshot (a consistent view while blocks keep being
/// applied): what a similarity-index rebuild scans. Checksums are verified, nothing is cached.
/// The owner disposes it, which releases the snapshot.
/// </summary>
internal sealed class SnapshotStateReader : IRegistryStateReader, IDisposable
{
    private readonly LedgerDatabase database;
    private readonly Snapshot snapshot;
    private readonly ReadOptions readOptions;

    public SnapshotStateReader(LedgerDatabase database)
    {
        this.database = database;
        snapshot = database.Rocks.CreateSnapshot();
        readOptions = new ReadOptions().SetVerifyChecksums(true).SetFillCache(false).SetSnapshot(snapshot);
    }

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        value = database.Rocks.Get(key.UnsafeBytes, database.RegistryState, readOptions);
        return value is not null;
    }

    public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null)
    {
        using var iterator = database.Rocks.NewIterator(database.RegistryState, readOptions);
        foreach (var entry in StatePrefixScan.Entries(iterator, prefix, startAfter))
        {
            yield return entry;
        }

        database.ThrowIfIteratorFailed(iterator);
    }

    public void Dispose()
    {
        snapshot.Dispose();
    }
}
