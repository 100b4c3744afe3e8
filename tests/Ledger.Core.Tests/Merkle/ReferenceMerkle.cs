using Ledger.Core.Merkle;

namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// The RFC 9162 §2.1 definitions (MTH, PATH, PROOF/SUBPROOF) transcribed literally as recursion over
/// leaf hashes. Slow on purpose and used only to cross-check the production code.
/// </summary>
internal static class ReferenceMerkle
{
    public static byte[] Root(MerkleHasher hasher, IReadOnlyList<byte[]> leafHashes, int start, int count)
    {
        if (count == 0)
        {
            return hasher.EmptyRoot();
        }

        if (count == 1)
        {
            return leafHashes[start];
        }

        var k = Split(count);
        return hasher.HashChildren(Root(hasher, leafHashes, start, k), Root(hasher, leafHashes, start + k, count - k));
    }

    public static List<byte[]> Path(MerkleHasher hasher, IReadOnlyList<byte[]> leafHashes, int m, int start, int count)
    {
        if (count == 1)
        {
            return [];
        }

        var k = Split(count);
        List<byte[]> path;
        if (m < k)
        {
            path = Path(hasher, leafHashes, m, start, k);
            path.Add(Root(hasher, leafHashes, start + k, count - k));
        }
        else
        {
            path = Path(hasher, leafHashes, m - k, start + k, count - k);
            path.Add(Root(hasher, leafHashes, start, k));
        }

        return path;
    }

    public static List<byte[]> Consistency(MerkleHasher hasher, IReadOnlyList<byte[]> leafHashes, int m, int n) =>
        m == 0 || m == n ? [] : SubProof(hasher, leafHashes, m, 0, n, true);

    private static List<byte[]> SubProof(MerkleHasher hasher, IReadOnlyList<byte[]> leafHashes, int m, int start, int count, bool isWholeFirstTree)
    {
        if (m == count)
        {
            return isWholeFirstTree ? [] : [Root(hasher, leafHashes, start, count)];
        }

        var k = Split(count);
        List<byte[]> proof;
        if (m <= k)
        {
            proof = SubProof(hasher, leafHashes, m, start, k, isWholeFirstTree);
            proof.Add(Root(hasher, leafHashes, start + k, count - k));
        }
        else
        {
            proof = SubProof(hasher, leafHashes, m - k, start + k, count - k, false);
            proof.Add(Root(hasher, leafHashes, start, k));
        }

        return proof;
    }

    private static int Split(int count)
    {
        var k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        return k;
    }
}
