namespace Ledger.Core.Tests.Merkle;

/// <summary>An inclusion claim: leaf at index in a tree of size has this root, as shown by proof.</summary>
internal sealed record InclusionClaim(string Description, ulong Index, ulong Size, byte[] LeafHash, byte[][] Proof, byte[] Root);

/// <summary>A consistency claim: the tree of size1 with root1 is a prefix of the tree of size2 with root2.</summary>
internal sealed record ConsistencyClaim(string Description, ulong Size1, ulong Size2, byte[][] Proof, byte[] Root1, byte[] Root2);

/// <summary>
/// Mutated negatives in the style of transparency-dev/merkle's golden tests: every single-bit flip
/// of a proof element, the leaf and the roots; dropped, added and reordered elements; shifted
/// indices and sizes.
/// </summary>
internal static class ProofMutations
{
    public static IEnumerable<InclusionClaim> Of(InclusionClaim valid)
    {
        for (var i = 0; i < valid.Proof.Length; i++)
        {
            yield return valid with { Description = $"proof[{i}] bit 3 of byte 0 flipped", Proof = FlipBit(valid.Proof, i, 0, 3) };
            yield return valid with { Description = $"proof[{i}] bit 0 of last byte flipped", Proof = FlipBit(valid.Proof, i, valid.Proof[i].Length - 1, 0) };
        }

        yield return valid with { Description = "leaf hash bit flipped", LeafHash = Flip(valid.LeafHash, 5, 1) };
        yield return valid with { Description = "root bit flipped", Root = Flip(valid.Root, 0, 7) };
        if (valid.Proof.Length > 0)
        {
            yield return valid with { Description = "last element dropped", Proof = valid.Proof[..^1] };
            yield return valid with { Description = "first element dropped", Proof = valid.Proof[1..] };
            yield return valid with { Description = "first element repeated in front", Proof = [valid.Proof[0], .. valid.Proof] };
        }

        if (valid.Proof.Length > 1)
        {
            yield return valid with { Description = "first two elements swapped", Proof = [valid.Proof[1], valid.Proof[0], .. valid.Proof[2..]] };
        }

        yield return valid with { Description = "root appended", Proof = [.. valid.Proof, valid.Root] };
        yield return valid with { Description = "zero hash appended", Proof = [.. valid.Proof, new byte[valid.Root.Length]] };
        yield return valid with { Description = "root prepended", Proof = [valid.Root, .. valid.Proof] };
        if (!valid.LeafHash.AsSpan().SequenceEqual(valid.Root))
        {
            // In a one-leaf tree the root is the leaf hash, so this would be no change at all.
            yield return valid with { Description = "leaf hash replaced by root", LeafHash = valid.Root };
        }
    }

    /// <summary>Index and size shifts; some are indistinguishable by construction (see <see cref="ProofShape"/>).</summary>
    public static IEnumerable<InclusionClaim> ShiftsOf(InclusionClaim valid)
    {
        if (valid.Index > 0)
        {
            yield return valid with { Description = "index - 1", Index = valid.Index - 1 };
        }

        yield return valid with { Description = "index + 1", Index = valid.Index + 1 };
        yield return valid with { Description = "size - 1", Size = valid.Size - 1 };
        yield return valid with { Description = "size + 1", Size = valid.Size + 1 };
        yield return valid with { Description = "size * 2", Size = valid.Size * 2 };
    }

    public static IEnumerable<ConsistencyClaim> Of(ConsistencyClaim valid)
    {
        for (var i = 0; i < valid.Proof.Length; i++)
        {
            yield return valid with { Description = $"proof[{i}] bit 4 of byte 0 flipped", Proof = FlipBit(valid.Proof, i, 0, 4) };
            yield return valid with { Description = $"proof[{i}] bit 0 of last byte flipped", Proof = FlipBit(valid.Proof, i, valid.Proof[i].Length - 1, 0) };
        }

        yield return valid with { Description = "root1 bit flipped", Root1 = Flip(valid.Root1, 3, 2) };
        yield return valid with { Description = "root2 bit flipped", Root2 = Flip(valid.Root2, 31, 6) };
        yield return valid with { Description = "roots swapped", Root1 = valid.Root2, Root2 = valid.Root1 };
        yield return valid with { Description = "empty proof", Proof = [] };
        if (valid.Proof.Length > 0)
        {
            yield return valid with { Description = "last element dropped", Proof = valid.Proof[..^1] };
            yield return valid with { Description = "first element dropped", Proof = valid.Proof[1..] };
            yield return valid with { Description = "first element repeated in front", Proof = [valid.Proof[0], .. valid.Proof] };
        }

        if (valid.Proof.Length > 1)
        {
            yield return valid with { Description = "first two elements swapped", Proof = [valid.Proof[1], valid.Proof[0], .. valid.Proof[2..]] };
        }

        yield return valid with { Description = "root1 appended", Proof = [.. valid.Proof, valid.Root1] };
        yield return valid with { Description = "root2 appended", Proof = [.. valid.Proof, valid.Root2] };
        yield return valid with { Description = "root2 prepended", Proof = [valid.Root2, .. valid.Proof] };
    }

    public static IEnumerable<ConsistencyClaim> ShiftsOf(ConsistencyClaim valid)
    {
        yield return valid with { Description = "size1 - 1", Size1 = valid.Size1 - 1 };
        yield return valid with { Description = "size1 + 1", Size1 = valid.Size1 + 1 };
        yield return valid with { Description = "size2 - 1", Size2 = valid.Size2 - 1 };
        yield return valid with { Description = "size2 + 1", Size2 = valid.Size2 + 1 };
        yield return valid with { Description = "size2 * 2", Size2 = valid.Size2 * 2 };
    }

    public static byte[] Flip(byte[] hash, int byteIndex, int bit)
    {
        var copy = (byte[])hash.Clone();
        copy[byteIndex] ^= (byte)(1 << bit);
        return copy;
    }

    private static byte[][] FlipBit(byte[][] proof, int element, int byteIndex, int bit)
    {
        var copy = (byte[][])proof.Clone();
        copy[element] = Flip(proof[element], byteIndex, bit);
        return copy;
    }
}
