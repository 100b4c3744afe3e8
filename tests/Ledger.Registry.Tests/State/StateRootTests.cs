using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.State;

public sealed class StateRootTests
{
    [Test]
    public void StateRoot_MaintainedIncrementally_EqualsTheRootRecomputedFromAllCommittedEntries()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice), perceptualHash: 7));
        var workId = Sample.WorkIdOf(chain.LastTxHash);
        chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = workId, NewHolder = Sample.Member(Bob) });
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveMember = new RemoveMember { MemberId = Auditor } });

        Assert.That(chain.LastBlock!.StateRoot, Is.EqualTo(chain.RecomputedRoot()));
        Assert.That(chain.Queries.StateRoot, Is.EqualTo(chain.LastBlock.StateRoot));
    }

    [Test]
    public void GenesisRoot_EqualsTheRecomputedRoot()
    {
        var chain = new TestChain();

        Assert.That(chain.GenesisRoot, Is.EqualTo(chain.RecomputedRoot()));
    }

    [Test]
    public void StateRoot_ChangesWithCommittedState_ButNotWithAnEmptyBlock()
    {
        var chain = new TestChain();
        var empty = chain.ApplyBlock().StateRoot;
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)));

        Assert.That(empty, Is.EqualTo(chain.GenesisRoot));
        Assert.That(chain.LastBlock!.StateRoot, Is.Not.EqualTo(chain.GenesisRoot));
    }

    [Test]
    public void Accumulator_AddThenRemove_ReturnsToTheEmptyRoot_InAnyOrder()
    {
        var empty = new StateAccumulator(Sha256HashAlgorithm.Instance).ComputeRoot();
        var accumulator = new StateAccumulator(Sha256HashAlgorithm.Instance);

        accumulator.Add([1], [10]);
        accumulator.Add([2], [20]);
        var both = accumulator.ComputeRoot();
        accumulator.Remove([1], [10]);
        accumulator.Remove([2], [20]);

        Assert.That(accumulator.ComputeRoot(), Is.EqualTo(empty));
        var reversed = new StateAccumulator(Sha256HashAlgorithm.Instance);
        reversed.Add([2], [20]);
        reversed.Add([1], [10]);
        Assert.That(reversed.ComputeRoot(), Is.EqualTo(both));
    }

    [Test]
    public void Accumulator_DistinguishesKeyValueBoundaries()
    {
        var a = new StateAccumulator(Sha256HashAlgorithm.Instance);
        var b = new StateAccumulator(Sha256HashAlgorithm.Instance);

        a.Add([1, 2], [3]);
        b.Add([1], [2, 3]);

        Assert.That(a.ComputeRoot(), Is.Not.EqualTo(b.ComputeRoot()));
    }

    [Test]
    public void Accumulator_RoundTripsThroughItsEncoding()
    {
        var accumulator = new StateAccumulator(Sha256HashAlgorithm.Instance);
        accumulator.Add([1], [2]);

        var decoded = StateAccumulator.FromBytes(Sha256HashAlgorithm.Instance, accumulator.ToBytes());

        Assert.That(decoded.ComputeRoot(), Is.EqualTo(accumulator.ComputeRoot()));
    }

    [Test]
    public void IndexKeySpaces_AreNotCommitted_RecordSpacesAre()
    {
        Assert.That(KeySpaces.IsCommitted(KeySpace.Work), Is.True);
        Assert.That(KeySpaces.IsCommitted(KeySpace.Nonce), Is.True);
        Assert.That(KeySpaces.IsCommitted(KeySpace.OwnerIndex), Is.False);
        Assert.That(KeySpaces.IsCommitted(KeySpace.PerceptualHashIndex), Is.False);
        Assert.That(KeySpaces.IsCommitted(KeySpace.Meta), Is.False);
    }
}
