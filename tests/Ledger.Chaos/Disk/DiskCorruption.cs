using System.Globalization;

namespace Ledger.Chaos.Disk;

/// <summary>
/// Exactly what one disk fault changed, for the printed schedule and for <see cref="DiskCorruptor.Replay"/>:
/// the file (relative to the directory it was applied to), its kind, and for a flip the offset and the
/// byte before and after; for a truncation the bytes cut and the new length.
/// </summary>
public sealed record DiskCorruption(
    DiskFaultAction Action,
    string RelativePath,
    RocksDbFileKind? Kind,
    long OffsetBytes,
    byte OldByte,
    byte NewByte,
    long TruncatedBytes)
{
    /// <summary>One line for the schedule printout, e.g. <c>flip db/000012.sst (Sst) @2000 0x3a->0x3b</c>.</summary>
    public override string ToString() => Action switch
    {
        DiskFaultAction.FlipByte => string.Create(CultureInfo.InvariantCulture, $"flip {RelativePath} ({Kind}) @{OffsetBytes} 0x{OldByte:x2}->0x{NewByte:x2}"),
        DiskFaultAction.Truncate => string.Create(CultureInfo.InvariantCulture, $"truncate {RelativePath} ({Kind}) by {TruncatedBytes} bytes to {OffsetBytes}"),
        DiskFaultAction.ReplaceWithOlderCopy => $"replace {RelativePath} with an older copy",
        _ => Action.ToString(),
    };
}
