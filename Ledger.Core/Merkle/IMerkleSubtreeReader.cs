namespace Ledger.Core.Merkle;

/// <summary>
/// Source of complete-subtree hashes. The subtree (level, index) covers leaves
/// [index·2^level, (index+1)·2^level); level 0 is the leaf hashes themselves. Proof generation asks
/// only for subtrees that lie entirely within the tree size it was given, so an implementation
/// never has to invent an incomplete node.
/// </summary>
public interface IMerkleSubtreeReader
{
    /// <summary>Writes the hash of the complete subtree (<paramref name="level"/>, <paramref name="index"/>) into <paramref name="destination"/>.</summary>
    void ReadSubtreeHash(int level, ulong index, Span<byte> destination);
}
