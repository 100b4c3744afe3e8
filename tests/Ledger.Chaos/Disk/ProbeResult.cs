namespace Ledger.Chaos.Disk;

/// <summary>
/// What the check reads of a flipped node saw: whether any answer differed from the healthy node's
/// (<see cref="ServedDifference"/>), whether a read reported damage (<see cref="DamageReported"/>), and how
/// many blocks matched from height 1 on.
/// </summary>
public sealed record ProbeResult(string? ServedDifference, string? DamageReported, ulong IdenticalBlocks);
