namespace Ledger.Node.DiskSpace;

/// <summary>
/// The free-space reserve of the data directory's file system (<c>Node:DiskSpace:*</c>), like etcd's
/// NOSPACE alarm: below <see cref="ReserveBytes"/> the node refuses writes (ResourceExhausted), a leader
/// proposes nothing, and reads, proofs and evidence go on. Checked once at start-up (<see cref="Validate"/>).
/// </summary>
public sealed class DiskSpaceOptions
{
    public const long ReserveBytesMax = 16L * 1024 * 1024 * 1024 * 1024;
    public const int CheckIntervalMillisecondsMin = 10;
    public const int CheckIntervalMillisecondsMax = 60_000;

    /// <summary>
    /// Free bytes kept back. What is already in flight when the alarm goes on (entries proposed and not yet
    /// applied, the apply queue, memtables being flushed, compactions) is written into it, so it must hold
    /// that; 1 GiB covers the default bounds (a 256 MiB apply queue and 256 MiB of memtables) with room for
    /// compactions. It must be at least one memtable (<c>Node:Storage:WriteBufferBytes</c>): after a write
    /// failed for lack of space, RocksDB resumes only once that much is free (docs/operations.md).
    /// </summary>
    public long ReserveBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How often free space is sampled (one statvfs). A leader also samples before every proposal.</summary>
    public int CheckIntervalMilliseconds { get; set; } = 1_000;

    /// <summary>Throws, naming the setting, when a bound is out of range or below what RocksDB needs to resume.</summary>
    /// <param name="writeBufferBytes">One column family's memtable (<c>Node:Storage:WriteBufferBytes</c>).</param>
    public void Validate(long writeBufferBytes)
    {
        if (ReserveBytes is < 0 or > ReserveBytesMax)
        {
            throw new InvalidOperationException($"Node:DiskSpace:ReserveBytes must be within 0..{ReserveBytesMax} (16 TiB), was {ReserveBytes}");
        }

        if (ReserveBytes < writeBufferBytes)
        {
            throw new InvalidOperationException(
                $"Node:DiskSpace:ReserveBytes ({ReserveBytes}) must be at least Node:Storage:WriteBufferBytes ({writeBufferBytes}): after a write failed for lack of space, RocksDB resumes only once one memtable's worth is free");
        }

        if (CheckIntervalMilliseconds is < CheckIntervalMillisecondsMin or > CheckIntervalMillisecondsMax)
        {
            throw new InvalidOperationException(
                $"Node:DiskSpace:CheckIntervalMilliseconds must be within {CheckIntervalMillisecondsMin}..{CheckIntervalMillisecondsMax}, was {CheckIntervalMilliseconds}");
        }
    }
}
