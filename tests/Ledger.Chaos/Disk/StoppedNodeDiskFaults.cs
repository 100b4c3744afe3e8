namespace Ledger.Chaos.Disk;

/// <summary>
/// One disk fault for the rig's mixed schedule, on a stopped node's data directory (the node's RocksDB is in
/// its <c>db</c> folder): mostly one random byte flip over SST, blob, WAL and MANIFEST, sometimes the WAL's
/// tail cut. The rig's IDiskCorruptor wraps it: <c>new DiskDamage(list.Count, string.Join("; ", list))</c>.
/// </summary>
public static class StoppedNodeDiskFaults
{
    /// <summary>One fault in this many cuts the WAL tail instead of flipping a byte.</summary>
    public const int TruncationOneIn = 8;

    /// <summary>The most bytes a WAL tail cut removes (the case cut 300).</summary>
    public const int TruncatedBytesMax = 512;

    public static IReadOnlyList<DiskCorruption> Corrupt(string dataDirectory, Random random)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(random);
        var database = Path.Combine(dataDirectory, "db");
        if (random.Next(TruncationOneIn) == 0 && DiskCorruptor.NewestWal(database) is { LengthBytes: > 0 })
        {
            return [DiskCorruptor.TruncateNewestWal(database, random.Next(1, TruncatedBytesMax + 1))];
        }

        return [new DiskCorruptor(random.Next()).FlipRandomByte(database)];
    }
}
