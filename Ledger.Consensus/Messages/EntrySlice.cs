using System.Collections;
using System.Runtime.CompilerServices;

namespace Ledger.Consensus;

/// <summary>
/// A read-only run of log entries: either an array the holder owns (entries received from the wire,
/// proposals) or a window onto the node's in-memory log, handed out in a <see cref="Ready"/> or in one of
/// its messages without copying.
/// </summary>
/// <remarks>
/// A window is valid until <see cref="RaftNode.Advance"/> is called for the Ready that carries it. After
/// that the node may recycle the memory behind it; reading a recycled window throws
/// <see cref="StaleEntrySliceException"/> rather than returning other entries. A host that keeps entries
/// or messages longer (a simulated network, a queue drained by another thread) copies them first with
/// <see cref="ToArray"/> or <see cref="Message.Detach"/>.
/// </remarks>
[CollectionBuilder(typeof(EntrySlice), nameof(Create))]
public readonly struct EntrySlice : IReadOnlyList<Entry>
{
    private readonly Entry[]? array;
    private readonly EntryChunk? chunk;
    private readonly int generation;
    private readonly int start;
    private readonly int length;

    /// <summary>A slice over all of <paramref name="entries"/>, which the caller hands over and no longer mutates.</summary>
    public EntrySlice(Entry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        array = entries;
        start = 0;
        length = entries.Length;
    }

    internal EntrySlice(EntryChunk chunk, int start, int length)
    {
        this.chunk = chunk;
        array = chunk.Slots;
        generation = chunk.Generation;
        this.start = start;
        this.length = length;
    }

    public static EntrySlice Empty => default;

    public int Length => length;

    public int Count => length;

    public bool IsEmpty => length == 0;

    /// <summary>True when the slice is a window onto a node's log (valid only until the carrying Ready is advanced).</summary>
    public bool IsWindow => chunk is not null;

    /// <summary>The entries; throws <see cref="StaleEntrySliceException"/> if this window was recycled.</summary>
    public ReadOnlySpan<Entry> Span
    {
        get
        {
            CheckLive();
            return new ReadOnlySpan<Entry>(array, start, length);
        }
    }

    public Entry this[int index]
    {
        get
        {
            if ((uint)index >= (uint)length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Index outside a slice of {length} entries.");
            }

            CheckLive();
            return array![start + index];
        }
    }

    public static implicit operator EntrySlice(Entry[] entries) => new(entries);

    public static EntrySlice FromArray(Entry[] entries) => new(entries);

    /// <summary>Builds an owned slice from a collection expression (<c>[entry1, entry2]</c>).</summary>
    public static EntrySlice Create(ReadOnlySpan<Entry> entries) => new(entries.ToArray());

    /// <summary>A copy the caller owns, valid forever.</summary>
    public Entry[] ToArray() => length == 0 ? [] : Span.ToArray();

    /// <summary>This slice if it already owns its entries, otherwise an owned copy.</summary>
    public EntrySlice Detach() => chunk is null ? this : new EntrySlice(ToArray());

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Entry> IEnumerable<Entry>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void CheckLive()
    {
        if (chunk is not null && chunk.Generation != generation)
        {
            throw new StaleEntrySliceException();
        }
    }

    /// <summary>Allocation-free enumerator (checked for staleness at each step).</summary>
    public struct Enumerator : IEnumerator<Entry>
    {
        private readonly EntrySlice slice;
        private int index;

        internal Enumerator(EntrySlice slice)
        {
            this.slice = slice;
            index = -1;
        }

        public readonly Entry Current => slice[index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++index < slice.length;

        public void Reset() => index = -1;

        public readonly void Dispose()
        {
        }
    }
}
