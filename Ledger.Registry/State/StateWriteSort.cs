using System.Buffers;
using System.Buffers.Binary;

namespace Ledger.Registry.State;

/// <summary>
/// Sorts a block's writes by key (bytewise), the order they are persisted and hashed in, faster
/// than a comparison sort over the key arrays: the keys of one key space share a long prefix
/// (every nonce key starts with the signer's key id, every owner key with the holder), so a plain
/// byte comparison walks that prefix and chases each key's array on every comparison. Here the
/// writes are first split by key space (the first byte, a counting sort), then each space is
/// sorted by the 8 bytes that follow the prefix all its keys share, held next to the write, and
/// only ties fall back to comparing the whole keys. Keys are distinct, so the order is the one a
/// plain sort gives (StateWriteSortTests compare the two on adversarial keys).
/// </summary>
internal static class StateWriteSort
{
    private const int SpaceCount = 256;

    public static void Sort(Span<StateWrite> writes)
    {
        if (writes.Length < 2)
        {
            return;
        }

        Span<int> starts = stackalloc int[SpaceCount + 1];
        starts.Clear();
        foreach (var write in writes)
        {
            starts[write.Key.Span[0] + 1]++;
        }

        for (var space = 1; space <= SpaceCount; space++)
        {
            starts[space] += starts[space - 1];
        }

        // Pooled: a 1,000-transaction block's 5,000 entries are 120 KB, which as a fresh array
        // would land on the large-object heap every block. Cleared on return (it holds keys and values).
        var rented = ArrayPool<Entry>.Shared.Rent(writes.Length);
        try
        {
            var entries = rented.AsSpan(0, writes.Length);
            Span<int> next = stackalloc int[SpaceCount];
            starts[..SpaceCount].CopyTo(next);
            foreach (var write in writes)
            {
                entries[next[write.Key.Span[0]]++] = new Entry(0, write);
            }

            for (var space = 0; space < SpaceCount; space++)
            {
                var group = entries.Slice(starts[space], starts[space + 1] - starts[space]);
                if (group.Length > 1)
                {
                    SortSpace(group);
                }
            }

            for (var i = 0; i < entries.Length; i++)
            {
                writes[i] = entries[i].Write;
            }
        }
        finally
        {
            ArrayPool<Entry>.Shared.Return(rented, clearArray: true);
        }
    }

    private static void SortSpace(Span<Entry> group)
    {
        // The prefix every key of this space shares (at least the space byte).
        var first = group[0].Write.Key.Span;
        var shared = first.Length;
        for (var i = 1; i < group.Length && shared > 1; i++)
        {
            shared = Math.Min(shared, first.CommonPrefixLength(group[i].Write.Key.Span));
        }

        for (var i = 0; i < group.Length; i++)
        {
            group[i] = new Entry(PrefixAfter(group[i].Write.Key.Span, shared), group[i].Write);
        }

        group.Sort(EntryOrder.Instance);
    }

    // Bytes [offset, offset + 8) big-endian, zero-padded past the end: if two keys' values
    // differ, they order as the keys do (a key that ends first is padded with zeros, and a byte
    // greater than zero at the same place makes the other larger; equal values fall back).
    private static ulong PrefixAfter(ReadOnlySpan<byte> key, int offset)
    {
        var rest = key[offset..];
        if (rest.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64BigEndian(rest);
        }

        Span<byte> padded = stackalloc byte[sizeof(ulong)];
        padded.Clear();
        rest.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    private readonly record struct Entry(ulong Prefix, StateWrite Write);

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry x, Entry y)
        {
            if (x.Prefix != y.Prefix)
            {
                return x.Prefix < y.Prefix ? -1 : 1;
            }

            return x.Write.Key.Span.SequenceCompareTo(y.Write.Key.Span);
        }
    }
}
