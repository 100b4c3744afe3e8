namespace Ledger.Consensus;

/// <summary>
/// A fixed block of the in-memory log. A slot is written once per generation and never rewritten, so
/// windows (<see cref="EntrySlice"/>) onto it stay correct; the generation moves on only when the node
/// recycles the block, which makes any window still held fail loudly instead of showing other entries.
/// </summary>
internal sealed class EntryChunk
{
    /// <summary>Entries per pooled block: 64 KB of references, below the large-object threshold (85,000 bytes).</summary>
    public const int StandardSlots = 8192;

    public EntryChunk(int slots)
    {
        Slots = new Entry[slots];
    }

    public Entry[] Slots { get; }

    public int Capacity => Slots.Length;

    public int Generation { get; private set; }

    /// <summary>Slots [0, Written) hold entries of this generation; slots are only ever appended.</summary>
    public int Written { get; set; }

    /// <summary>
    /// Bytes (<see cref="Entry.SizeBytes"/>) of the entries in this block that the log no longer holds (released
    /// after apply) but whose slots still reference them until the block is recycled.
    /// </summary>
    public long ReleasedBytes { get; set; }

    /// <summary>Invalidates every window onto this block and empties it for reuse.</summary>
    public void Recycle()
    {
        Generation++;
        Written = 0;
        ReleasedBytes = 0;
        Array.Clear(Slots);
    }
}
