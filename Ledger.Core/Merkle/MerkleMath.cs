using System.Numerics;

namespace Ledger.Core.Merkle;

/// <summary>Shape arithmetic of RFC 9162 trees, shared by proof generation and verification.</summary>
internal static class MerkleMath
{
    /// <summary>The k of RFC 9162 §2.1.1: the largest power of two strictly smaller than <paramref name="count"/> (count ≥ 2).</summary>
    public static ulong SplitPoint(ulong count) => 1UL << (63 - BitOperations.LeadingZeroCount(count - 1));

    public static bool IsPowerOfTwo(ulong value) => value != 0 && (value & (value - 1)) == 0;

    /// <summary>Number of hashes in the inclusion proof of <paramref name="leafIndex"/> in a tree of <paramref name="treeSize"/> (requires leafIndex &lt; treeSize).</summary>
    public static int InclusionProofLength(ulong leafIndex, ulong treeSize)
    {
        // Levels where the paths to the leaf and to the last leaf diverge have a full sibling;
        // above that, the path runs along the right border and needs one hash per left sibling.
        var inner = 64 - BitOperations.LeadingZeroCount(leafIndex ^ (treeSize - 1));
        var border = BitOperations.PopCount(leafIndex >> inner);
        return inner + border;
    }

    /// <summary>Number of hashes in the consistency proof from <paramref name="size1"/> to <paramref name="size2"/> (requires 0 &lt; size1 &lt; size2).</summary>
    public static int ConsistencyProofLength(ulong size1, ulong size2)
    {
        // The proof is the inclusion path of leaf size1-1 in size2 above the largest complete
        // subtree ending at size1, plus that subtree's hash unless it is the whole first tree.
        var lastIndex = size1 - 1;
        var inner = 64 - BitOperations.LeadingZeroCount(lastIndex ^ (size2 - 1));
        var border = BitOperations.PopCount(lastIndex >> inner);
        var shift = BitOperations.TrailingZeroCount(size1);
        var seedInProof = IsPowerOfTwo(size1) ? 0 : 1;
        return seedInProof + (inner - shift) + border;
    }
}
