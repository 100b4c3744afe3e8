using Ledger.Core.Protocol;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Works;

/// <summary>
/// A fixed p256-sha256 history (single works, a duplicate, a batch with an in-batch duplicate, a
/// transfer) replays to a pinned state root. Dual content hashing (SM3 beside SHA-256) must not
/// move the root of any transaction that does not carry an SM3 hash: this pins that.
/// </summary>
public sealed class ContentHashRootPinTests
{
    // Pinned before dual hashing was introduced (issue 20): a change here changes existing chains.
    private const string PinnedRoot = "95015A79D216BA6C39E6AC0A9C7993489D4BF56C6F5AACE98A2C681B966777A5";

    [Test]
    public void StateRoot_OfAFixedSha256OnlyHistory_MatchesThePinnedRoot()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("photo", Sample.External("seller-1")));
        var firstWork = Sample.WorkIdOf(chain.LastTxHash);
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("song", Sample.Member(Alice), mediaType: MediaType.Audio));
        chain.Apply(Bob, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Bob)));
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Batch(Sample.External("seller-2"), [Sample.Item("a", "item-a"), Sample.Item("photo", "item-dup"), Sample.Item("b", "item-b", perceptualHash: 7)]));
        chain.Apply(Platform, TransactionType.TransferOwnership, new TransferOwnership { WorkId = firstWork, NewHolder = Sample.Member(Alice) });

        var root = chain.LastBlock!.StateRoot;

        Assert.That(Convert.ToHexString(root), Is.EqualTo(PinnedRoot));
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(root));
    }
}
