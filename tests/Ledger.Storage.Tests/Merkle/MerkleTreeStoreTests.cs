using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Storage.Errors;
using Ledger.Storage.Merkle;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Merkle;

public sealed class MerkleTreeStoreTests
{
    private static readonly MerkleHasher Hasher = new(Sha256HashAlgorithm.Instance);

    [Test]
    public void RootsAndProofs_AtEverySizeAcrossBatches_MatchTheInMemoryTree()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        var reference = new MemoryMerkleTree(Hasher, 5_000);
        var random = new Random(7);

        // Uneven batches so tiles are left open and reopened at many different offsets.
        while (reference.Size < 4_500)
        {
            AppendBatch(database, store, reference, random, random.Next(1, 400));
        }

        for (ulong size = 0; size <= reference.Size; size += (ulong)random.Next(1, 60))
        {
            Assert.That(store.GetRoot(size), Is.EqualTo(reference.ComputeRoot(size)), $"root at {size}");
            if (size == 0)
            {
                continue;
            }

            var index = (ulong)random.NextInt64(0, (long)size);
            Assert.That(store.GetInclusionProof(index, size), Is.EqualTo(reference.BuildInclusionProof(index, size)), $"inclusion {index} in {size}");
            var size1 = (ulong)random.NextInt64(0, (long)size + 1);
            Assert.That(store.GetConsistencyProof(size1, size), Is.EqualTo(reference.BuildConsistencyProof(size1, size)), $"consistency {size1} -> {size}");
            Assert.That(store.GetLeafHash(index), Is.EqualTo(reference.LeafHash(index)), $"leaf {index}");
        }
    }

    [Test]
    public void RepeatedProofsAtOneSize_ServedFromTheBorderMemo_StayCorrect()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        var reference = new MemoryMerkleTree(Hasher, 2_000);
        var random = new Random(5);
        AppendBatch(database, store, reference, random, 1_234);
        var earlierSize = store.CommittedSize;
        AppendBatch(database, store, reference, random, 531);

        foreach (var size in new[] { earlierSize, store.CommittedSize })
        {
            for (var round = 0; round < 3; round++)
            {
                for (ulong index = 0; index < size; index += 97)
                {
                    Assert.That(store.GetInclusionProof(index, size), Is.EqualTo(reference.BuildInclusionProof(index, size)), $"round {round}: inclusion {index} in {size}");
                }

                for (ulong size1 = 1; size1 < size; size1 += 89)
                {
                    Assert.That(store.GetConsistencyProof(size1, size), Is.EqualTo(reference.BuildConsistencyProof(size1, size)), $"round {round}: consistency {size1} -> {size}");
                }
            }
        }
    }

    [Test]
    public void Reopen_ResumesTheRightEdge_AndKeepsAppendingTheSameTree()
    {
        using var directory = new TempDirectory();
        var reference = new MemoryMerkleTree(Hasher, 3_000);
        var random = new Random(11);
        for (var session = 0; session < 5; session++)
        {
            using var database = Open(directory.Path);
            var store = new MerkleTreeStore(database, Hasher);
            Assert.That(store.CommittedSize, Is.EqualTo(reference.Size), $"session {session} resumes at the committed size");
            Assert.That(store.ComputeStagedRoot(), Is.EqualTo(reference.ComputeRoot()), $"session {session} frontier root");
            AppendBatch(database, store, reference, random, random.Next(100, 500));
            AppendBatch(database, store, reference, random, random.Next(1, 20));
        }

        using var final = Open(directory.Path);
        var reopened = new MerkleTreeStore(final, Hasher);
        Assert.That(reopened.GetRoot(reopened.CommittedSize), Is.EqualTo(reference.ComputeRoot()));
        Assert.That(reopened.GetInclusionProof(0, reopened.CommittedSize), Is.EqualTo(reference.BuildInclusionProof(0, reference.Size)));
    }

    [Test]
    public void StagedAppends_AreInvisibleUntilCommitted()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        using var batch = new WriteBatch();

        store.StageAppend(batch, Hasher.HashLeaf([1]));

        Assert.That(store.CommittedSize, Is.Zero);
        Assert.That(store.StagedSize, Is.EqualTo(1UL));
        Assert.That(() => store.GetRoot(1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void MarkCommitted_WithoutFlush_Throws()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        using var batch = new WriteBatch();
        store.StageAppend(batch, Hasher.HashLeaf([1]));

        Assert.That(store.MarkCommitted, Throws.InvalidOperationException);
    }

    [Test]
    public void DiscardStaged_ForgetsUnwrittenAppends_AndTheTreeStaysConsistent()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        var reference = new MemoryMerkleTree(Hasher, 1_000);
        var random = new Random(3);
        AppendBatch(database, store, reference, random, 37);
        using (var abandoned = new WriteBatch())
        {
            for (var i = 0; i < 50; i++)
            {
                store.StageAppend(abandoned, Hasher.HashLeaf([0xEE, (byte)i]));
            }

            store.StageFlush(abandoned);
        }

        store.DiscardStaged();
        AppendBatch(database, store, reference, random, 100);

        Assert.That(store.CommittedSize, Is.EqualTo(137UL));
        Assert.That(store.GetRoot(137), Is.EqualTo(reference.ComputeRoot()));
        Assert.That(store.GetConsistencyProof(37, 137), Is.EqualTo(reference.BuildConsistencyProof(37, 137)));
    }

    [Test]
    public void MissingTile_IsReportedAsCorruption()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        AppendBatch(database, store, new MemoryMerkleTree(Hasher, 100), new Random(1), 40);
        using (var batch = new WriteBatch())
        {
            // Tile (level 0, index 1) holds leaves 16..31.
            batch.Delete(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, database.MerkleNodes);
            database.Write(batch);
        }

        Assert.That(() => store.GetInclusionProof(20, 40), Throws.TypeOf<StorageCorruptionException>().With.Message.Contains("missing"));
    }

    /// <summary>
    /// No garbage per append. The only allocations are long-lived tile-cache entries: one copy of
    /// each completed upper-row tile (960 bytes per 256 leaves, under 4 bytes a leaf).
    /// </summary>
    [Test]
    public void StageAppend_AllocatesNoGarbagePerLeaf()
    {
        using var directory = new TempDirectory();
        using var database = Open(directory.Path);
        var store = new MerkleTreeStore(database, Hasher);
        using var batch = new WriteBatch();
        var leafHash = Hasher.HashLeaf([42]);
        for (var i = 0; i < 1_000; i++)
        {
            store.StageAppend(batch, leafHash);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            store.StageAppend(batch, leafHash);
        }

        var allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocatedBytes, Is.LessThan(10_000 * 5), "bytes allocated by 10,000 appends");
    }

    private static void AppendBatch(LedgerDatabase database, MerkleTreeStore store, MemoryMerkleTree reference, Random random, int count)
    {
        using var batch = new WriteBatch();
        var leaf = new byte[16];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(leaf);
            var leafHash = Hasher.HashLeaf(leaf);
            store.StageAppend(batch, leafHash);
            reference.AppendLeafHash(leafHash);
        }

        store.StageFlush(batch);
        database.Write(batch);
        store.MarkCommitted();
    }

    private static LedgerDatabase Open(string path) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = "merkle-test", SyncWrites = false });
}
