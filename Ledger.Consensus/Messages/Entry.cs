namespace Ledger.Consensus;

/// <summary>
/// One immutable record of the replicated log. Plain fields so a transport can map it to and from
/// its wire format without knowing Raft.
/// </summary>
public sealed class Entry
{
    /// <summary>Fixed per-entry overhead counted against byte limits, so empty entries still cost something.</summary>
    public const int OverheadBytes = 24;

    public Entry(ulong term, ulong index, EntryType type, ReadOnlyMemory<byte> data)
    {
        Term = term;
        Index = index;
        Type = type;
        Data = data;
    }

    public ulong Term { get; }

    public ulong Index { get; }

    public EntryType Type { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Size counted against append and Ready byte limits.</summary>
    public int SizeBytes => Data.Length + OverheadBytes;

    public override string ToString() => $"{Term}/{Index} {Type} ({Data.Length} bytes)";
}
