namespace Ledger.Chaos.Disk;

/// <summary>What a disk fault did to a stopped node's files.</summary>
public enum DiskFaultAction
{
    /// <summary>One byte XORed with a non-zero mask (one or more of its bits flipped).</summary>
    FlipByte,

    /// <summary>The last bytes of a file cut off.</summary>
    Truncate,

    /// <summary>The whole directory replaced by a copy taken earlier (a restored backup).</summary>
    ReplaceWithOlderCopy,
}
