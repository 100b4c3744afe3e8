using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Applier;

/// <summary>
/// An applier keeps its block write buffers between blocks (BlockBuffers): nothing of one block
/// may reach the next, so a reused applier must give exactly what a fresh applier per block gives,
/// also after a block that failed halfway.
/// </summary>
public sealed class BlockBufferReuseTests
{
    [Test]
    public void ApplyBlock_ReusedApplier_GivesWhatAFreshApplierPerBlockGives()
    {
        var reused = new TestChain(multiGetReads: true);
        var fresh = new TestChain(multiGetReads: true);

        for (var height = 1UL; height <= 6; height++)
        {
            // Duplicates within and across blocks, so outcomes depend on what earlier blocks wrote.
            // The same transactions go to both states (same genesis).
            var transactions = Registrations(reused, (int)height);
            var reusedBlock = reused.ApplyBlock(transactions);
            var freshApplication = new RegistryApplier(fresh.Options).ApplyBlock(fresh.State, new BlockContext(ChainId, height, TimestampOf(height)), transactions);
            fresh.State.Apply(freshApplication.Writes);

            Assert.That(reusedBlock.Outcomes.Select(o => o.ToProto()), Is.EqualTo(freshApplication.Outcomes.Select(o => o.ToProto())), $"outcomes at block {height}");
            Assert.That(reusedBlock.Writes.Select(w => (w.Key.ToString(), w.Value is null ? "-" : Convert.ToHexString(w.Value))),
                Is.EqualTo(freshApplication.Writes.Select(w => (w.Key.ToString(), w.Value is null ? "-" : Convert.ToHexString(w.Value)))), $"writes at block {height}");
            Assert.That(reusedBlock.StateRoot, Is.EqualTo(freshApplication.StateRoot), $"root at block {height}");
        }

        Assert.That(reused.RecomputedRoot(), Is.EqualTo(reused.LastBlock!.StateRoot));
    }

    [Test]
    public void ApplyBlock_AfterABlockThatThrew_NextBlockSeesNothingOfIt()
    {
        var chain = new TestChain();
        var stale = Registrations(chain, 1);

        // Wrong height: the applier throws after taking its buffers.
        Assert.Throws<RegistryInvariantException>(() => chain.Applier.ApplyBlock(chain.State, new BlockContext(ChainId, chain.Height + 2, TimestampOf(chain.Height + 2)), stale));
        var block = chain.ApplyBlock(Registrations(chain, 2));

        // Work seeds 0..3 registered, the fifth a duplicate of the first, as in any fresh block.
        Assert.That(block.Outcomes.Select(o => o.Reason), Is.EqualTo(new[] { RejectionReason.None, RejectionReason.None, RejectionReason.None, RejectionReason.None, RejectionReason.DuplicateContentHash }));
        Assert.That(block.StateRoot, Is.EqualTo(chain.RecomputedRoot()));
    }

    private static RegistryTransaction[] Registrations(TestChain chain, int block)
    {
        var transactions = new RegistryTransaction[5];
        for (var i = 0; i < transactions.Length; i++)
        {
            // Seeds repeat across blocks (block / 2) and within one (i % 4): some are duplicates.
            var seed = $"work-{block / 2}-{i % 4}";
            transactions[i] = chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work(seed, Sample.Member(Platform), perceptualHash: (ulong)i));
        }

        return transactions;
    }
}
