using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>
/// Block production hashes a block once: the roots computed for its header carry the hashes to staging.
/// Staging must store exactly what it stores without them, and must never let them vouch for a block
/// whose transactions or results are not the very objects they were computed from.
/// </summary>
public sealed class PrecomputedRootsTests
{
    [Test]
    public void StageAppend_WithTheRootsOfItsOwnTransactions_StoresTheSameChainAsWithout()
    {
        using var plainDirectory = new TempDirectory();
        using var reusedDirectory = new TempDirectory();
        using var plainDatabase = TestChain.OpenDatabase(plainDirectory.Path);
        using var reusedDatabase = TestChain.OpenDatabase(reusedDirectory.Path);
        var plain = new BlockStore(plainDatabase, TestChain.Hashing);
        var transactionsHashedByStore = 0;
        var counting = new BlockHashing(
            TestChain.Hashing.MerkleHasher,
            TestChain.Hashing.HashHeader,
            transaction =>
            {
                transactionsHashedByStore++;
                return TestChain.Hashing.HashTransaction(transaction);
            },
            TestChain.Hashing.LeafHashOf);
        var reused = new BlockStore(reusedDatabase, counting);
        var hashedWhileStaging = 0;

        for (var height = 1; height <= 4; height++)
        {
            var plainBlock = TestChain.Next(plain, height * 3);
            plain.Append(plainBlock, plainBlock.Header.RaftIndex);

            var (block, roots) = NextWithRoots(reused, height * 3);
            var before = transactionsHashedByStore;
            Stage(reusedDatabase, reused, block, roots);
            hashedWhileStaging += transactionsHashedByStore - before;
        }

        Assert.Multiple(() =>
        {
            Assert.That(hashedWhileStaging, Is.Zero, "staging reused the hashes the roots were computed from");
            Assert.That(reused.Tip.BlockHash, Is.EqualTo(plain.Tip.BlockHash));
            Assert.That(reused.LogTree.CommittedSize, Is.EqualTo(plain.LogTree.CommittedSize));
            Assert.That(reused.LogTree.GetRoot(reused.LogTree.CommittedSize), Is.EqualTo(plain.LogTree.GetRoot(plain.LogTree.CommittedSize)));
            var lastTransaction = reused.GetBlock(4)!.Transactions[11];
            Assert.That(reused.FindTransaction(TestChain.Hashing.HashTransaction(lastTransaction))?.Position, Is.EqualTo(11u));
        });
    }

    [Test]
    public void StageAppend_WithRootsOfOtherTransactions_ChecksTheBlockItselfAndRefusesIt()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var (block, roots) = NextWithRoots(store, 5);
        // Same bytes would hash the same; a different transaction object with other content must not ride on the roots.
        block.Transactions[2] = TestChain.Transaction(1, 2, seed: 99);

        using var batch = new WriteBatch();
        var refused = Assert.Throws<BlockInvariantException>(() => store.StageAppend(batch, block, block.Header.RaftIndex, roots));

        Assert.That(refused!.Violation, Is.EqualTo(BlockInvariant.TransactionRootMismatch));
    }

    [Test]
    public void StageAppend_WithRootsComputedBeforeAnotherBlockWasAppended_RecomputesAndRefusesTheStaleHeader()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);
        var (stale, staleRoots) = NextWithRoots(store, 3);
        var first = TestChain.Next(store, 2);
        store.Append(first, first.Header.RaftIndex);
        stale.Header.Height = 2;
        stale.Header.PrevBlockHash = ByteString.CopyFrom(store.Tip.BlockHash);
        stale.Header.RaftIndex = TestChain.NextRaftIndex(store);

        using var batch = new WriteBatch();
        var refused = Assert.Throws<BlockInvariantException>(() => store.StageAppend(batch, stale, stale.Header.RaftIndex, staleRoots));

        Assert.That(refused!.Violation, Is.EqualTo(BlockInvariant.LogSizeMismatch));
    }

    private static (Block Block, BlockRoots Roots) NextWithRoots(BlockStore store, int transactionCount)
    {
        var template = TestChain.Next(store, transactionCount);
        var transactions = template.Transactions.ToArray();
        var results = template.Results.ToArray();
        var hashes = Array.ConvertAll(transactions, TestChain.Hashing.HashTransaction);
        var roots = store.ComputeRoots(transactions, hashes, results);
        var block = new Block { Header = template.Header };
        block.Transactions.Add(transactions);
        block.Results.Add(results);
        return (block, roots);
    }

    private static void Stage(LedgerDatabase database, BlockStore store, Block block, BlockRoots roots)
    {
        using var batch = new WriteBatch();
        store.StageAppend(batch, block, block.Header.RaftIndex, roots);
        database.Write(batch, sync: false);
        store.MarkCommitted();
    }
}
