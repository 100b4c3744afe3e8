using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

/// <summary>
/// A transaction layer keeps its emptied large table for the next large transaction (a batch) rather than
/// growing a fresh one, whose arrays land on the large-object heap, every block; small transactions in between
/// still get a small table, and what each transaction commits is unchanged.
/// </summary>
public sealed class WriteBufferLargeTableReuseTests
{
    private const int LargeTransactionWrites = 20_000;

    [Test]
    public void CommitToParent_SecondLargeTransactionAfterSmallOnes_AllocatesNoNewTable()
    {
        var keys = Enumerable.Range(0, LargeTransactionWrites).Select(i => StateKeys.Nonce(new byte[32], (ulong)i)).ToArray();
        var value = new byte[] { 1 };
        var block = new WriteBuffer(new MemoryRegistryState());
        var layer = new WriteBuffer(block);
        WriteAll(layer, keys, value);
        layer.CommitToParent();
        block.EndBlock();
        block.BeginBlock(new MemoryRegistryState(), 0);
        layer.Put(keys[0], value);
        layer.CommitToParent();

        var before = GC.GetAllocatedBytesForCurrentThread();
        WriteAll(layer, keys, value);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A table of 20,000 entries is ~0.7 MB (grown by doubling, ~1.4 MB allocated in all); moving the
        // first ReusedCapacityMax writes into the kept table allocates nothing. The bound leaves room for what the
        // runtime allocates on this thread meanwhile (a Release CI run measured 102,160 bytes: tiering and
        // on-stack replacement of the loop), far below a new table.
        Assert.That(allocated, Is.LessThan(256 * 1024), $"bytes allocated by a second large transaction's {LargeTransactionWrites} writes");
        layer.CommitToParent();
        Assert.Multiple(() =>
        {
            Assert.That(block.PendingCount, Is.EqualTo(LargeTransactionWrites));
            Assert.That(block.TryGet(keys[^1], out var read) && read.SequenceEqual(value), Is.True);
            Assert.That(layer.PendingCount, Is.Zero);
        });
    }

    [Test]
    public void Discard_LargeTransaction_LeavesNothingForTheNext()
    {
        var keys = Enumerable.Range(0, LargeTransactionWrites).Select(i => StateKeys.Nonce(new byte[32], (ulong)i)).ToArray();
        var block = new WriteBuffer(new MemoryRegistryState());
        var layer = new WriteBuffer(block);
        WriteAll(layer, keys, [1]);

        layer.Discard();
        WriteAll(layer, keys[..(2 * WriteBuffer.ReusedCapacityMax)], [2]);

        Assert.Multiple(() =>
        {
            Assert.That(layer.PendingCount, Is.EqualTo(2 * WriteBuffer.ReusedCapacityMax));
            Assert.That(layer.TryGet(keys[^1], out _), Is.False, "the discarded transaction's writes are gone");
            Assert.That(layer.TryGet(keys[0], out var read) && read.SequenceEqual(new byte[] { 2 }), Is.True);
        });
    }

    private static void WriteAll(WriteBuffer layer, StateKey[] keys, byte[] value)
    {
        foreach (var key in keys)
        {
            layer.Put(key, value);
        }
    }
}
