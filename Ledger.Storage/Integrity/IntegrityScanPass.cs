using Ledger.Storage.Blocks;
using Ledger.Storage.Damage;

namespace Ledger.Storage.Integrity;

/// <summary>
/// One pass of a running node's integrity scan, done one bounded slice at a time by a background
/// worker: first the <see cref="ChainWalk"/> from the first block up to the tip as it was when the pass
/// began (blocks committed later are the next pass's), then the <see cref="TableChecksumSweep"/> of the
/// other column families. Safe beside the node's writer: it reads committed blocks only, and each
/// slice holds the <see cref="LedgerDatabase.StateReplacement"/> gate so a snapshot install never runs
/// under it; after an install the pass starts over (what it verified belonged to the old state).
/// </summary>
public sealed class IntegrityScanPass
{
    /// <summary>Prefix of every finding's message: says which check found the damage.</summary>
    public const string FoundBy = "the integrity scan";

    private readonly LedgerDatabase _database;
    private readonly BlockStore _blocks;
    private ChainWalk _walk;
    private TableChecksumSweep _sweep;
    private long _generation;

    public IntegrityScanPass(LedgerDatabase database, BlockStore blocks)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(blocks);
        _database = database;
        _blocks = blocks;
        (_walk, _sweep) = Begin();
    }

    /// <summary>The height this pass walks to: the tip when it began (or began again).</summary>
    public ulong TargetHeight { get; private set; }

    /// <summary>The next height the walk verifies.</summary>
    public ulong NextHeight => _walk.NextHeight;

    /// <summary>Times the pass began again because a snapshot install replaced the state under it.</summary>
    public int Restarts { get; private set; }

    public bool IsComplete => _walk.NextHeight > TargetHeight && _sweep.IsComplete;

    /// <summary>
    /// Verifies on: blocks while fewer than <paramref name="blocksMax"/> were verified and fewer than
    /// <paramref name="bytesMax"/> bytes read in this slice (at least one block), then table records up
    /// to the byte budget. Stops at the first damage found.
    /// </summary>
    public IntegrityScanSlice RunSlice(int blocksMax, long bytesMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocksMax);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesMax);
        using var reading = _database.StateReplacement.EnterReading();
        if (_database.StateReplacement.Generation != _generation)
        {
            Restarts++;
            (_walk, _sweep) = Begin();
        }

        var blocks = 0;
        long bytes = 0;
        while (_walk.NextHeight <= TargetHeight && blocks < blocksMax && bytes < bytesMax)
        {
            var before = _walk.BytesRead;
            var finding = _walk.VerifyNext();
            bytes += _walk.BytesRead - before;
            if (finding is not null)
            {
                return new IntegrityScanSlice(blocks, bytes, AsDamage(finding));
            }

            blocks++;
        }

        if (_walk.NextHeight > TargetHeight && bytes < bytesMax)
        {
            try
            {
                bytes += _sweep.ReadSlice(bytesMax - bytes);
            }
            catch (DataDirectoryDamagedException e)
            {
                var damage = new DataDirectoryDamagedException(e.DataDirectory, e.Part, e.FileName, $"{FoundBy} found: {e.Detail}", e);
                return new IntegrityScanSlice(blocks, bytes, damage);
            }
        }

        return new IntegrityScanSlice(blocks, bytes, null);
    }

    /// <summary>A block RocksDB could not read names the table or blob file when RocksDB did; any other finding names the height.</summary>
    private Errors.StorageCorruptionException AsDamage(IntegrityFinding finding)
    {
        if (finding.Failure == IntegrityFailure.StorageCorruption && DamagedParts.FromMessage(finding.Reason) is ({ } part, { } file) && part != DamagedPart.Unknown)
        {
            return new DataDirectoryDamagedException(_database.DataDirectory, part, file, $"{FoundBy} could not read block {finding.Height}: {finding.Reason}");
        }

        return finding.ToException(FoundBy);
    }

    private (ChainWalk Walk, TableChecksumSweep Sweep) Begin()
    {
        _generation = _database.StateReplacement.Generation;
        TargetHeight = _blocks.LatestHeight;
        return (new ChainWalk(_database, _blocks.Hashing, _blocks.LogTree), new TableChecksumSweep(_database));
    }
}
