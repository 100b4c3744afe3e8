using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

public sealed class CompactMerkleTreeTests
{
    [Test]
    public void AppendLeafHash_ReportsLeafThenEveryCompletedParent()
    {
        var tree = new CompactMerkleTree(Sha256);
        var sink = new RecordingSink();
        for (var i = 0; i < 4; i++)
        {
            tree.AppendLeafHash(Sha256.HashLeaf([(byte)i]), ref sink);
        }

        Assert.That(sink.Nodes, Is.EqualTo(new[] { (0, 0UL), (0, 1UL), (1, 0UL), (0, 2UL), (0, 3UL), (1, 1UL), (2, 0UL) }));
    }

    [Test]
    public void Restore_FromStoredSubtrees_ContinuesWithTheSameRoots()
    {
        var full = new MemoryMerkleTree(Sha256, 100);
        for (var i = 0; i < 100; i++)
        {
            full.AppendLeaf([(byte)i]);
        }

        var restored = CompactMerkleTree.Restore(Sha256, full, 37);
        for (var i = 37; i < 100; i++)
        {
            restored.AppendLeafHash(full.LeafHash((ulong)i));
        }

        Assert.That(restored.Size, Is.EqualTo(100UL));
        Assert.That(restored.ComputeRoot(), Is.EqualTo(full.ComputeRoot()));
    }

    [Test]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var tree = new CompactMerkleTree(Sha256);
        tree.AppendLeaf([1]);
        var clone = tree.Clone();

        clone.AppendLeaf([2]);

        Assert.That(tree.Size, Is.EqualTo(1UL));
        Assert.That(tree.ComputeRoot(), Is.EqualTo(Sha256.HashLeaf([1])));
        Assert.That(clone.Size, Is.EqualTo(2UL));
    }

    [Test]
    public void MemoryMerkleTree_BeyondLeafCountMax_Throws()
    {
        var tree = new MemoryMerkleTree(Sha256, leafCountMax: 1);
        tree.AppendLeaf([1]);

        Assert.That(() => tree.AppendLeaf([2]), Throws.InvalidOperationException);
    }

    private struct RecordingSink() : IMerkleNodeSink
    {
        public List<(int Level, ulong Index)> Nodes { get; } = [];

        public readonly void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash) => Nodes.Add((level, index));
    }
}
