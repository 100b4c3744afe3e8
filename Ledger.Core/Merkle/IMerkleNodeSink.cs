namespace Ledger.Core.Merkle;

/// <summary>
/// Receives every complete subtree an append creates, bottom-up: first the leaf hash at level 0,
/// then each parent that the new leaf completes.
/// </summary>
public interface IMerkleNodeSink
{
    void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash);
}
