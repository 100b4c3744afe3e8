namespace Ledger.Core.Merkle;

/// <summary>
/// Pure RFC 9162 proof verification (§2.1.3.2 inclusion, §2.1.4.2 consistency): it takes only sizes,
/// indices, hashes and the proof, and trusts none of them. Preconditions are checked, not assumed:
/// 0 ≤ index &lt; size, size1 ≤ size2, every hash exactly the algorithm's size, and the proof exactly
/// as long as the tree shape dictates (so trailing garbage is rejected, not ignored).
/// <c>Check*</c> returns the reason; <c>Verify*</c> throws the matching <see cref="MerkleProofException"/>.
/// </summary>
public static class MerkleProofVerifier
{
    public static MerkleProofResult CheckInclusion(
        MerkleHasher hasher, ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash) =>
        Inclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash, out _);

    public static void VerifyInclusion(
        MerkleHasher hasher, ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash)
    {
        var result = Inclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash, out var message);
        if (result != MerkleProofResult.Valid)
        {
            throw MerkleProofException.Create(result, message);
        }
    }

    public static MerkleProofResult CheckConsistency(
        MerkleHasher hasher, ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2) =>
        Consistency(hasher, size1, size2, proof, root1, root2, out _);

    public static void VerifyConsistency(
        MerkleHasher hasher, ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        var result = Consistency(hasher, size1, size2, proof, root1, root2, out var message);
        if (result != MerkleProofResult.Valid)
        {
            throw MerkleProofException.Create(result, message);
        }
    }

    private static MerkleProofResult Inclusion(
        MerkleHasher hasher, ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash, out string message)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex >= treeSize)
        {
            message = $"leaf index {leafIndex} is not below tree size {treeSize}";
            return MerkleProofResult.IndexOutOfRange;
        }

        var hashSize = hasher.HashSizeBytes;
        if (!HashLengthsValid(hashSize, leafHash, rootHash, proof, out message))
        {
            return MerkleProofResult.WrongHashLength;
        }

        var expectedLength = MerkleMath.InclusionProofLength(leafIndex, treeSize);
        if (proof.Count != expectedLength)
        {
            message = $"inclusion proof for leaf {leafIndex} of {treeSize} needs {expectedLength} hashes, got {proof.Count}";
            return MerkleProofResult.WrongProofLength;
        }

        Span<byte> root = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        root = root[..hashSize];
        leafHash.CopyTo(root);
        var fn = leafIndex;
        var sn = treeSize - 1;
        for (var i = 0; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                message = $"inclusion proof for leaf {leafIndex} of {treeSize} has hashes past the root";
                return MerkleProofResult.WrongProofLength;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                hasher.HashChildren(proof[i], root, root);
                if ((fn & 1) == 0)
                {
                    // Right-border node: climb past the levels where it has no right sibling.
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                hasher.HashChildren(root, proof[i], root);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            message = $"inclusion proof for leaf {leafIndex} of {treeSize} stops below the root";
            return MerkleProofResult.WrongProofLength;
        }

        if (!root.SequenceEqual(rootHash))
        {
            message = $"inclusion proof for leaf {leafIndex} of {treeSize} recomputes {Convert.ToHexStringLower(root)}, expected root {Convert.ToHexStringLower(rootHash)}";
            return MerkleProofResult.RootMismatch;
        }

        message = string.Empty;
        return MerkleProofResult.Valid;
    }

    private static MerkleProofResult Consistency(
        MerkleHasher hasher, ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, out string message)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 > size2)
        {
            message = $"first size {size1} exceeds second size {size2}";
            return MerkleProofResult.SizesOutOfOrder;
        }

        var hashSize = hasher.HashSizeBytes;
        if (!HashLengthsValid(hashSize, root1, root2, proof, out message))
        {
            return MerkleProofResult.WrongHashLength;
        }

        Span<byte> fr = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        fr = fr[..hashSize];
        if (size1 == size2 || size1 == 0)
        {
            // Nothing to prove beyond the roots themselves: equal sizes need equal roots, and
            // every tree extends the empty one, whose root is fixed.
            if (proof.Count != 0)
            {
                message = $"consistency proof from {size1} to {size2} must be empty, got {proof.Count} hashes";
                return MerkleProofResult.WrongProofLength;
            }

            scoped ReadOnlySpan<byte> expected = root2;
            if (size1 == 0)
            {
                hasher.EmptyRoot(fr);
                expected = fr;
            }

            if (!root1.SequenceEqual(expected))
            {
                message = $"first root {Convert.ToHexStringLower(root1)} for size {size1} should be {Convert.ToHexStringLower(expected)}";
                return MerkleProofResult.RootMismatch;
            }

            message = string.Empty;
            return MerkleProofResult.Valid;
        }

        var expectedLength = MerkleMath.ConsistencyProofLength(size1, size2);
        if (proof.Count != expectedLength)
        {
            message = $"consistency proof from {size1} to {size2} needs {expectedLength} hashes, got {proof.Count}";
            return MerkleProofResult.WrongProofLength;
        }

        // When the first tree is itself a complete subtree its root is the implicit first element.
        var first = 0;
        if (MerkleMath.IsPowerOfTwo(size1))
        {
            root1.CopyTo(fr);
        }
        else
        {
            proof[0].CopyTo(fr);
            first = 1;
        }

        Span<byte> sr = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        sr = sr[..hashSize];
        fr.CopyTo(sr);
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (var i = first; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                message = $"consistency proof from {size1} to {size2} has hashes past the root";
                return MerkleProofResult.WrongProofLength;
            }

            var c = proof[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                hasher.HashChildren(c, fr, fr);
                hasher.HashChildren(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                hasher.HashChildren(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            message = $"consistency proof from {size1} to {size2} stops below the root";
            return MerkleProofResult.WrongProofLength;
        }

        if (!fr.SequenceEqual(root1))
        {
            message = $"consistency proof from {size1} to {size2} recomputes first root {Convert.ToHexStringLower(fr)}, expected {Convert.ToHexStringLower(root1)}";
            return MerkleProofResult.RootMismatch;
        }

        if (!sr.SequenceEqual(root2))
        {
            message = $"consistency proof from {size1} to {size2} recomputes second root {Convert.ToHexStringLower(sr)}, expected {Convert.ToHexStringLower(root2)}";
            return MerkleProofResult.RootMismatch;
        }

        message = string.Empty;
        return MerkleProofResult.Valid;
    }

    private static bool HashLengthsValid(int hashSize, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, IReadOnlyList<byte[]> proof, out string message)
    {
        if (first.Length != hashSize || second.Length != hashSize)
        {
            message = $"hashes must be {hashSize} bytes, got {first.Length} and {second.Length}";
            return false;
        }

        for (var i = 0; i < proof.Count; i++)
        {
            var element = proof[i];
            if (element is null || element.Length != hashSize)
            {
                message = $"proof element {i} must be {hashSize} bytes, got {element?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}";
                return false;
            }
        }

        message = string.Empty;
        return true;
    }
}
