using System.Diagnostics.CodeAnalysis;
using Ledger.Core.Hashing;
using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

public sealed class StateCommitmentReadTests
{
    [Test]
    public void Fold_OfAKeyTheBlockAlreadyRead_DoesNotReadItFromStorageAgain()
    {
        var stored = new CountingState();
        var nonce = StateKeys.Nonce(new byte[32], 7);
        var block = new WriteBuffer(stored);
        Assert.That(block.TryGet(nonce, out _), Is.False, "a rule checks the nonce is unused");
        block.Put(nonce, [1]);

        StateCommitment.Fold(block, Sha256HashAlgorithm.Instance);

        Assert.That(stored.Reads(nonce), Is.EqualTo(1));
    }

    [Test]
    public void Fold_OfAKeyTheBlockNeverRead_ReadsItOnce()
    {
        var stored = new CountingState();
        var nonce = StateKeys.Nonce(new byte[32], 8);
        var block = new WriteBuffer(stored);
        block.Put(nonce, [1]);

        StateCommitment.Fold(block, Sha256HashAlgorithm.Instance);

        Assert.That(stored.Reads(nonce), Is.EqualTo(1));
    }

    private sealed class CountingState : IRegistryStateReader
    {
        private readonly MemoryRegistryState inner = new();
        private readonly Dictionary<StateKey, int> reads = [];

        public int Reads(StateKey key) => reads.GetValueOrDefault(key);

        public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
        {
            reads[key] = Reads(key) + 1;
            return inner.TryGet(key, out value);
        }

        public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null) => inner.Scan(prefix, startAfter);
    }
}
