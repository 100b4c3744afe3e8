using System.Diagnostics.CodeAnalysis;
using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

public sealed class WriteBufferPeekManyTests
{
    [TestCase(false, 1)]
    [TestCase(true, 1)]
    [TestCase(true, 4)]
    public void PeekMany_OverLayersAndStorage_AnswersWhatPeekAnswersKeyByKey(bool batchedReads, int parallelismMax)
    {
        // Arrange: stored keys, some overwritten or deleted by the block, some by the transaction,
        // one already in the block's read cache, and keys that exist nowhere; enough for the parallel split.
        var memory = new MemoryRegistryState();
        var keys = new StateKey[3 * WriteBuffer.ParallelPeekKeysMin];
        var stored = new List<StateWrite>();
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = StateKeys.Nonce(new byte[32], (ulong)i);
            if (i % 3 == 0)
            {
                stored.Add(new StateWrite(keys[i], [(byte)i, 1]));
            }
        }

        memory.Apply(stored);
        var recording = new RecordingReader(memory);
        var block = new WriteBuffer(batchedReads ? recording : memory);
        var transaction = new WriteBuffer(block);
        Assert.That(block.TryGet(keys[3], out _), Is.True, "fills the block's read cache");
        block.Put(keys[6], [6, 2]);
        block.Delete(keys[9]);
        block.Put(keys[1], [1, 2]);
        transaction.Put(keys[12], [12, 3]);
        transaction.Delete(keys[1]);
        transaction.Put(keys[2], [2, 3]);
        var readsBefore = recording.PointReads;

        // Act
        var values = new byte[]?[keys.Length];
        transaction.PeekMany(keys, values, parallelismMax);
        var pointReadsByPeekMany = recording.PointReads - readsBefore;

        // Assert
        for (var i = 0; i < keys.Length; i++)
        {
            var expected = transaction.Peek(keys[i], out var value) ? value : null;
            Assert.That(values[i], Is.EqualTo(expected), $"key {i}");
        }

        Assert.That(values[6], Is.EqualTo(new byte[] { 6, 2 }));
        Assert.That(values[9], Is.Null);
        Assert.That(values[1], Is.Null);
        Assert.That(values[2], Is.EqualTo(new byte[] { 2, 3 }));
        Assert.That(values[0], Is.EqualTo(new byte[] { 0, 1 }));
        if (batchedReads)
        {
            // Everything the layers and the cache did not answer, in batched calls only.
            Assert.That(pointReadsByPeekMany, Is.Zero);
            Assert.That(recording.BatchedKeys, Is.EqualTo(keys.Length - 6), "keys 1, 2, 3, 6, 9 and 12 come from the layers and the cache");
        }
    }

    private sealed class RecordingReader(MemoryRegistryState inner) : IMultiGetStateReader
    {
        private int pointReads;
        private int batchedKeys;

        public int PointReads => Volatile.Read(ref pointReads);

        public int BatchedKeys => Volatile.Read(ref batchedKeys);

        public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
        {
            Interlocked.Increment(ref pointReads);
            return inner.TryGet(key, out value);
        }

        public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null) => inner.Scan(prefix, startAfter);

        public void TryGetMany(ReadOnlySpan<StateKey> keys, Span<byte[]?> values)
        {
            Interlocked.Add(ref batchedKeys, keys.Length);
            for (var i = 0; i < keys.Length; i++)
            {
                values[i] = inner.TryGet(keys[i], out var value) ? value : null;
            }
        }
    }
}
