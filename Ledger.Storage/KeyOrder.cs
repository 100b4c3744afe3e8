using System.Buffers;
using System.Buffers.Binary;

namespace Ledger.Storage;

/// <summary>
/// The ascending bytewise order of a set of keys (RocksDB's default comparator), as a permutation
/// of their indices: keys are ranked by their first 8 bytes read as a big-endian number (zero
/// padded; a strict difference there is a strict bytewise difference) in a primitive sort, and only
/// runs of equal 8-byte prefixes are compared whole. Used to hand RocksDB's batched MultiGet keys
/// already sorted, which it would otherwise sort itself through a per-comparison virtual comparator
/// (~40 % of a 10,000-key MultiGet in a profile).
/// </summary>
internal static class KeyOrder
{
    private const int PrefixBytes = sizeof(ulong);

    /// <summary>Fills <paramref name="order"/> (one slot per key) so that keys[order[0]] ≤ keys[order[1]] ≤ … bytewise.</summary>
    public static void Sort(ReadOnlySpan<byte[]> keys, Span<int> order)
    {
        if (order.Length != keys.Length)
        {
            throw new ArgumentException($"{order.Length} order slots for {keys.Length} keys", nameof(order));
        }

        var count = keys.Length;
        var prefixes = ArrayPool<ulong>.Shared.Rent(count);
        var indices = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                prefixes[i] = Prefix(keys[i]);
                indices[i] = i;
            }

            Array.Sort(prefixes, indices, 0, count);
            WholeKeyComparer? comparer = null;
            var runStart = 0;
            for (var i = 1; i <= count; i++)
            {
                if (i < count && prefixes[i] == prefixes[runStart])
                {
                    continue;
                }

                if (i - runStart > 1)
                {
                    comparer ??= new WholeKeyComparer(keys.ToArray());
                    Array.Sort(indices, runStart, i - runStart, comparer);
                }

                runStart = i;
            }

            indices.AsSpan(0, count).CopyTo(order);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indices);
            ArrayPool<ulong>.Shared.Return(prefixes);
        }
    }

    /// <summary>Whether the keys are already in ascending bytewise order (equal neighbours allowed).</summary>
    public static bool IsSorted(ReadOnlySpan<byte[]> keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i - 1].AsSpan().SequenceCompareTo(keys[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong Prefix(byte[] key)
    {
        if (key.Length >= PrefixBytes)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(key);
        }

        Span<byte> padded = stackalloc byte[PrefixBytes];
        padded.Clear();
        key.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    private sealed class WholeKeyComparer(byte[][] keys) : IComparer<int>
    {
        public int Compare(int x, int y) => keys[x].AsSpan().SequenceCompareTo(keys[y]);
    }
}
