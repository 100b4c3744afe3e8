using Ledger.Storage.Damage;

namespace Ledger.Storage.Integrity;

/// <summary>
/// Reads every live record of the column families the <see cref="ChainWalk"/> does not read whole
/// (everything but <c>blocks</c>) through RocksDB's checksummed reads, a bounded slice at a time: each
/// table data block holding a live record and each blob record is verified against its checksum, so
/// damage in cold table and blob files is found before a request reads it. Each slice opens a fresh
/// iterator and seeks past the last key read (an iterator held across slices would pin every table
/// file of the pass against compaction for hours). Not covered: table blocks that hold only deleted or
/// overwritten versions (nothing serves them) — RocksDB's whole-store VerifyChecksum at open covers
/// those for directories up to <see cref="LedgerDatabaseOptions.VerifyAtOpenBytesMax"/>.
/// </summary>
public sealed class TableChecksumSweep
{
    /// <summary>The families swept, in this order; <c>blocks</c> is read record by record by the chain walk.</summary>
    public static readonly IReadOnlyList<string> Families = [.. ColumnFamilyNames.All.Where(name => name != ColumnFamilyNames.Blocks)];

    private readonly LedgerDatabase _database;
    private int _family;
    private byte[]? _lastKey;

    public TableChecksumSweep(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public bool IsComplete => _family >= Families.Count;

    /// <summary>Key and value bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>
    /// Reads on from where the last slice stopped until at least <paramref name="bytesMax"/> bytes were
    /// read or the sweep is complete; returns the bytes read. Corruption throws
    /// <see cref="DataDirectoryDamagedException"/> naming the file when RocksDB does.
    /// </summary>
    public long ReadSlice(long bytesMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesMax);
        long read = 0;
        while (!IsComplete && read < bytesMax)
        {
            using var iterator = _database.NewScanIterator(_database.Rocks.GetColumnFamily(Families[_family]));
            if (_lastKey is null)
            {
                iterator.SeekToFirst();
            }
            else
            {
                iterator.Seek(_lastKey);
                if (iterator.Valid() && iterator.Key().AsSpan().SequenceEqual(_lastKey))
                {
                    iterator.Next();
                }
            }

            for (; iterator.Valid() && read < bytesMax; iterator.Next())
            {
                var key = iterator.Key();
                var value = iterator.Value();
                read += key.Length + value.Length;
                RecordsRead++;
                _lastKey = key;
            }

            if (!iterator.Valid())
            {
                // The end of the family, or an error: RocksDB says which.
                _database.ThrowIfIteratorFailed(iterator);
                _family++;
                _lastKey = null;
            }
        }

        BytesRead += read;
        return read;
    }
}
