using System.Buffers.Binary;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Merkle;

namespace Ledger.Storage.Integrity;

/// <summary>
/// Re-verifies a whole data directory at rest (no writer running) from the raw records, trusting
/// nothing previously checked: the <see cref="ChainWalk"/> over every block up to the recorded latest
/// height, then the store as a whole: the stored log tree holds exactly the blocks' leaves and no
/// block is stored beyond the latest height. Stops at the first bad height. RocksDB checksum failures
/// are reported the same way, never skipped. A running node scans with <see cref="IntegrityScanPass"/>.
/// </summary>
public static class IntegrityScanner
{
    public static IntegrityScanReport Scan(LedgerDatabase database, BlockHashing hashing, IProgress<ulong>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hashing);
        ulong latestHeight = 0;
        MerkleTreeStore storedLog;
        try
        {
            latestHeight = ReadLatestHeight(database);
            storedLog = new MerkleTreeStore(database, hashing.MerkleHasher);
        }
        catch (StorageCorruptionException e)
        {
            return new IntegrityScanReport(latestHeight, 0, e.Height ?? 0, IntegrityFailure.StorageCorruption, e.Message);
        }

        var walk = new ChainWalk(database, hashing, storedLog);
        while (walk.NextHeight <= latestHeight)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var height = walk.NextHeight;
            if (walk.VerifyNext() is { } finding)
            {
                return new IntegrityScanReport(latestHeight, walk.BlocksVerified, finding.Height, finding.Failure, finding.Reason);
            }

            progress?.Report(height);
        }

        IntegrityScanReport Fail(ulong height, IntegrityFailure failure, string reason) => new(latestHeight, walk.BlocksVerified, height, failure, reason);
        try
        {
            if (storedLog.CommittedSize != walk.LogSize)
            {
                return Fail(latestHeight, IntegrityFailure.LogSizeMismatch, $"the stored log tree holds {storedLog.CommittedSize} leaves, the blocks {walk.LogSize}");
            }

            var beyond = new byte[BlockKeys.KeyBytes];
            BlockKeys.Write(beyond, BlockKeys.Hash, latestHeight + 1);
            if (database.Get(database.Blocks, beyond) is not null)
            {
                return Fail(latestHeight + 1, IntegrityFailure.RecordBeyondLatestHeight, $"a block hash is stored beyond the latest height {latestHeight}");
            }
        }
        catch (StorageCorruptionException e)
        {
            return Fail(latestHeight, IntegrityFailure.StorageCorruption, e.Message);
        }

        return new IntegrityScanReport(latestHeight, walk.BlocksVerified, null, null, null);
    }

    private static ulong ReadLatestHeight(LedgerDatabase database)
    {
        var bytes = database.Get(database.Meta, MetaKeys.LatestHeight);
        if (bytes is null)
        {
            return 0;
        }

        if (bytes.Length != sizeof(ulong))
        {
            throw new StorageCorruptionException($"latest height record has {bytes.Length} bytes");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
