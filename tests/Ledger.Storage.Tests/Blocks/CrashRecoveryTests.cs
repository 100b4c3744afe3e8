using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;

namespace Ledger.Storage.Tests.Blocks;

public sealed class CrashRecoveryTests
{
    private const ulong BlocksBeforeKill = 25;

    [Test]
    public void WriterKilledWithSigkill_ReopensAtAWholePrefixContainingEveryAcknowledgedBlock()
    {
        using var directory = new TempDirectory();
        ulong lastAcknowledged;
        using (var writer = WriterProcess.Start(directory.Path))
        {
            writer.WaitForHeight(BlocksBeforeKill);
            lastAcknowledged = writer.LastAcknowledgedHeight;
        }

        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);

        Assert.That(store.LatestHeight, Is.GreaterThanOrEqualTo(lastAcknowledged), "every synced, acknowledged block survives");
        var previousHash = new byte[32];
        ulong logSize = 0;
        for (ulong height = 1; height <= store.LatestHeight; height++)
        {
            var block = store.GetBlock(height);
            Assert.That(block, Is.Not.Null, $"block {height} of the prefix");
            Assert.That(block!.Header.PrevBlockHash.ToByteArray(), Is.EqualTo(previousHash), $"block {height} links to its predecessor");
            logSize += (ulong)block.Transactions.Count;
            Assert.That(block.Header.LogSize, Is.EqualTo(logSize), $"block {height} log size");
            previousHash = store.GetBlockHash(height)!;
        }

        Assert.That(store.Tip.LogSize, Is.EqualTo(logSize));
        Assert.That(store.LogTree.GetRoot(logSize), Is.EqualTo(store.GetHeader(store.LatestHeight)!.LogRoot.ToByteArray()));
        Assert.That(IntegrityScanner.Scan(database, TestChain.Hashing).IsIntact, Is.True, "the integrity scan agrees");
        TestChain.AppendBlocks(store, 2);
        Assert.That(store.GetBlock(store.LatestHeight), Is.Not.Null, "the chain continues after recovery");
    }

    [Test]
    public void Open_DirectoryHeldByAnotherProcess_ThrowsDataDirectoryLocked()
    {
        using var directory = new TempDirectory();
        using var writer = WriterProcess.Start(directory.Path);
        writer.WaitForHeight(1);

        var error = Assert.Throws<DataDirectoryLockedException>(() => TestChain.OpenDatabase(directory.Path));

        Assert.That(error!.DataDirectory, Is.EqualTo(Path.GetFullPath(directory.Path)));
    }
}
