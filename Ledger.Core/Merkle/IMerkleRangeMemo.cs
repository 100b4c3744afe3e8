namespace Ledger.Core.Merkle;

/// <summary>
/// Optional companion of an <see cref="IMerkleSubtreeReader"/> that remembers the hashes of
/// incomplete right-border nodes (ranges [start, start+count) that end at the tree size). Every proof
/// at one tree size needs the same few border nodes, and each costs a fold of up to log2(n) hashes,
/// so a store serving many proofs at one size (receipts of one block, audits of the latest head)
/// computes them once. The proof builder uses it when the reader implements it.
/// </summary>
public interface IMerkleRangeMemo
{
    bool TryGetRangeHash(ulong start, ulong count, Span<byte> destination);

    void RememberRangeHash(ulong start, ulong count, ReadOnlySpan<byte> hash);
}
