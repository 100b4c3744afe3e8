using System.Collections.Concurrent;
using Ledger.Core.Merkle;

namespace Ledger.Storage.Merkle;

/// <summary>
/// Remembers the incomplete right-border node hashes of recently proven tree sizes. A committed
/// size's border never changes, so entries need no invalidation; the memo is simply bounded.
/// </summary>
internal sealed class BorderNodeMemo
{
    /// <summary>Distinct tree sizes remembered before the memo starts over.</summary>
    public const int TreeSizesMax = 64;

    private readonly ConcurrentDictionary<ulong, ConcurrentDictionary<(ulong Start, ulong Count), byte[]>> _bySize = new();

    public IMerkleRangeMemo For(ulong treeSize)
    {
        if (!_bySize.TryGetValue(treeSize, out var ranges))
        {
            if (_bySize.Count >= TreeSizesMax)
            {
                _bySize.Clear();
            }

            ranges = _bySize.GetOrAdd(treeSize, _ => new ConcurrentDictionary<(ulong Start, ulong Count), byte[]>());
        }

        return new SizeMemo(ranges);
    }

    private sealed class SizeMemo(ConcurrentDictionary<(ulong Start, ulong Count), byte[]> ranges) : IMerkleRangeMemo
    {
        public bool TryGetRangeHash(ulong start, ulong count, Span<byte> destination)
        {
            if (!ranges.TryGetValue((start, count), out var hash))
            {
                return false;
            }

            hash.CopyTo(destination);
            return true;
        }

        public void RememberRangeHash(ulong start, ulong count, ReadOnlySpan<byte> hash) => ranges.TryAdd((start, count), hash.ToArray());
    }
}
