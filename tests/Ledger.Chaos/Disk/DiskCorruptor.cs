namespace Ledger.Chaos.Disk;

/// <summary>
/// Damages the files of a stopped node's RocksDB directory, deterministically from a seed: the same seed
/// over the same directory makes the same choices. Each method returns a <see cref="DiskCorruption"/>
/// saying exactly what changed, which <see cref="Replay"/> applies again to another copy.
/// Never use it on a directory a running process has open: RocksDB would overwrite or cache the bytes.
/// </summary>
public sealed class DiskCorruptor
{
    /// <summary>
    /// Where the sweep's random flips land: the files that hold acknowledged data (SST, blob, WAL) and the
    /// MANIFEST that says which of them are live. CURRENT and OPTIONS are only hit when asked for by kind.
    /// </summary>
    public static readonly IReadOnlyDictionary<RocksDbFileKind, int> SweepWeights = new Dictionary<RocksDbFileKind, int>
    {
        [RocksDbFileKind.Sst] = 35,
        [RocksDbFileKind.Blob] = 15,
        [RocksDbFileKind.Wal] = 35,
        [RocksDbFileKind.Manifest] = 15,
    };

    private readonly Random random;

    public DiskCorruptor(int seed)
    {
        random = new Random(seed);
    }

    /// <summary>XORs one byte of a file chosen by <paramref name="weights"/> (kind, then file, then offset) with a random non-zero mask.</summary>
    /// <exception cref="InvalidOperationException">No non-empty file of a kind with a positive weight exists.</exception>
    public DiskCorruption FlipRandomByte(string directory, IReadOnlyDictionary<RocksDbFileKind, int>? weights = null)
    {
        var file = ChooseFile(directory, weights ?? SweepWeights);
        return FlipAt(directory, file, random.NextInt64(file.LengthBytes), RandomByteMask());
    }

    /// <summary>Flips one bit of a file chosen by <paramref name="weights"/>, at a random offset and bit.</summary>
    public DiskCorruption FlipRandomBit(string directory, IReadOnlyDictionary<RocksDbFileKind, int>? weights = null)
    {
        var file = ChooseFile(directory, weights ?? SweepWeights);
        return FlipAt(directory, file, random.NextInt64(file.LengthBytes), (byte)(1 << random.Next(8)));
    }

    /// <summary>XORs the byte at <paramref name="offsetBytes"/> of <paramref name="file"/> with <paramref name="mask"/> (random non-zero when null).</summary>
    public DiskCorruption FlipAt(string directory, RocksDbFile file, long offsetBytes, byte? mask = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var xor = mask ?? RandomByteMask();
        if (xor == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), "a zero mask changes nothing");
        }

        var path = Path.Combine(directory, file.RelativePath);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        if (offsetBytes < 0 || offsetBytes >= stream.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetBytes), offsetBytes, $"{file.RelativePath} has {stream.Length} bytes");
        }

        stream.Position = offsetBytes;
        var old = (byte)stream.ReadByte();
        var changed = (byte)(old ^ xor);
        stream.Position = offsetBytes;
        stream.WriteByte(changed);
        stream.Flush(flushToDisk: true);
        return new DiskCorruption(DiskFaultAction.FlipByte, file.RelativePath, file.Kind, offsetBytes, old, changed, TruncatedBytes: 0);
    }

    /// <summary>Flips a random non-zero mask into the middle byte of <paramref name="file"/>.</summary>
    public DiskCorruption FlipMiddle(string directory, RocksDbFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return FlipAt(directory, file, file.LengthBytes / 2);
    }

    /// <summary>The newest (highest-numbered) WAL file, or null when there is none.</summary>
    public static RocksDbFile? NewestWal(string directory) =>
        RocksDbFiles.Enumerate(directory)
            .Where(f => f.Kind == RocksDbFileKind.Wal)
            .OrderBy(f => ulong.Parse(Path.GetFileNameWithoutExtension(f.RelativePath), System.Globalization.CultureInfo.InvariantCulture))
            .LastOrDefault();

    /// <summary>Cuts the last <paramref name="bytes"/> of the newest WAL (all of it when it is shorter), as a lost write-back cache would.</summary>
    /// <exception cref="InvalidOperationException">The directory has no WAL file.</exception>
    public static DiskCorruption TruncateNewestWal(string directory, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var wal = NewestWal(directory) ?? throw new InvalidOperationException($"no WAL file in {directory}");
        var cut = Math.Min(bytes, wal.LengthBytes);
        var length = wal.LengthBytes - cut;
        using (var stream = new FileStream(Path.Combine(directory, wal.RelativePath), FileMode.Open, FileAccess.Write, FileShare.None))
        {
            stream.SetLength(length);
            stream.Flush(flushToDisk: true);
        }

        return new DiskCorruption(DiskFaultAction.Truncate, wal.RelativePath, wal.Kind, OffsetBytes: length, OldByte: 0, NewByte: 0, TruncatedBytes: cut);
    }

    /// <summary>
    /// Applies <paramref name="corruption"/> again to <paramref name="directory"/> (another copy of the same
    /// data): the same byte changes from the same old value to the same new value, or the same file is cut
    /// to the same length. Throws when the directory does not hold what the record says was there before.
    /// </summary>
    public static void Replay(string directory, DiskCorruption corruption)
    {
        ArgumentNullException.ThrowIfNull(corruption);
        var path = Path.Combine(directory, corruption.RelativePath);
        switch (corruption.Action)
        {
            case DiskFaultAction.FlipByte:
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                stream.Position = corruption.OffsetBytes;
                var current = stream.ReadByte();
                if (current != corruption.OldByte)
                {
                    throw new InvalidOperationException($"{corruption.RelativePath} @{corruption.OffsetBytes} holds 0x{current:x2}, not 0x{corruption.OldByte:x2}: not the directory this fault was recorded on");
                }

                stream.Position = corruption.OffsetBytes;
                stream.WriteByte(corruption.NewByte);
                stream.Flush(flushToDisk: true);
                break;
            }

            case DiskFaultAction.Truncate:
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
                if (stream.Length != corruption.OffsetBytes + corruption.TruncatedBytes)
                {
                    throw new InvalidOperationException($"{corruption.RelativePath} has {stream.Length} bytes, not {corruption.OffsetBytes + corruption.TruncatedBytes}: not the directory this fault was recorded on");
                }

                stream.SetLength(corruption.OffsetBytes);
                stream.Flush(flushToDisk: true);
                break;
            }

            default:
                throw new NotSupportedException($"{corruption.Action} is replayed with {nameof(DataDirectoryCopy)}.{nameof(DataDirectoryCopy.Restore)} and the same older copy");
        }
    }

    private RocksDbFile ChooseFile(string directory, IReadOnlyDictionary<RocksDbFileKind, int> weights)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var byKind = RocksDbFiles.Enumerate(directory)
            .Where(f => f.LengthBytes > 0 && weights.TryGetValue(f.Kind, out var weight) && weight > 0)
            .GroupBy(f => f.Kind)
            .OrderBy(g => g.Key)
            .ToList();
        if (byKind.Count == 0)
        {
            throw new InvalidOperationException($"no non-empty file of kinds [{string.Join(", ", weights.Where(w => w.Value > 0).Select(w => w.Key))}] in {directory}");
        }

        // Only kinds present take part, so a directory without blob files still gets a flip.
        var total = byKind.Sum(g => weights[g.Key]);
        var pick = random.Next(total);
        foreach (var group in byKind)
        {
            pick -= weights[group.Key];
            if (pick < 0)
            {
                var files = group.ToList();
                return files[random.Next(files.Count)];
            }
        }

        throw new InvalidOperationException("unreachable: the weights summed to more than their parts");
    }

    private byte RandomByteMask() => (byte)random.Next(1, 256);
}
