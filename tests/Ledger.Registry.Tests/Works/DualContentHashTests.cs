using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Works;

/// <summary>
/// Dual content hashing (issue 20): on every suite a work may carry SHA-256 and SM3; p256-sha256
/// requires SHA-256, sm2-sm3 requires SM3 (SHA-256 recommended); a work is a duplicate when either
/// of its hashes is already registered.
/// </summary>
public sealed class DualContentHashTests
{
    private const string Sm = "sm2-sm3";

    [Test]
    public void RegisterWork_BothHashesOnP256_IsAcceptedAndFoundByEither()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Work("photo", sha256: "photo", sm3: "photo-sm3"));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        var bySha256 = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("photo").Span);
        var bySm3 = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("photo-sm3").Span);
        Assert.That(bySha256, Is.Not.Null);
        Assert.That(bySm3!.WorkId, Is.EqualTo(bySha256!.WorkId));
        Assert.That(bySm3.ContentHash.Sm3, Is.EqualTo(Sample.Hash("photo-sm3")));
    }

    [Test]
    public void RegisterWork_OnlySm3OnP256_IsRejected_MissingField()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Work("photo", sha256: null, sm3: "photo-sm3"));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MissingField));
        Assert.That(outcome.Detail, Does.Contain("content_hash.sha256"));
    }

    [Test]
    public void RegisterWork_OnSmSuiteWithoutSm3_IsRejected_MissingField()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Work("photo", sha256: "photo", sm3: null));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MissingField));
        Assert.That(outcome.Detail, Does.Contain("content_hash.sm3 is required"));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("photo").Span), Is.Null);
    }

    [Test]
    public void RegisterWork_OnSmSuiteWithOnlySm3_IsAcceptedWithoutSha256Entry()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Work("photo", sha256: null, sm3: "photo-sm3"));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("photo-sm3").Span), Is.Not.Null);
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(chain.LastBlock!.StateRoot));
    }

    [TestCase("p256-sha256")]
    [TestCase(Sm)]
    public void RegisterWork_Sm3OfWrongLength_IsRejected_InvalidField(string suite)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));
        var body = Work("photo", sha256: "photo", sm3: null);
        body.ContentHash.Sm3 = ByteString.CopyFrom(new byte[31]);

        Assert.That(chain.Apply(Platform, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    // Duplicates, on both suites: the second work shares only the SHA-256, only the SM3, or both.
    [TestCase("p256-sha256", "photo", "other-sm3")]
    [TestCase("p256-sha256", "other", "photo-sm3")]
    [TestCase("p256-sha256", "photo", "photo-sm3")]
    [TestCase(Sm, "photo", "other-sm3")]
    [TestCase(Sm, "other", "photo-sm3")]
    [TestCase(Sm, "photo", "photo-sm3")]
    public void RegisterWork_SharingEitherHashWithARegisteredWork_IsRejected_DuplicateContentHash(string suite, string sha256, string sm3)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));
        chain.Apply(Platform, TransactionType.RegisterWork, Work("first", sha256: "photo", sm3: "photo-sm3"));
        var firstTxHash = chain.LastTxHash;

        var second = chain.Apply(Bob, TransactionType.RegisterWork, Work("second", sha256: sha256, sm3: sm3, holder: Bob));

        Assert.That(second.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(second.ReferenceTxHash, Is.EqualTo(firstTxHash));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("other").Span), Is.Null, "a rejected work leaves no index entry");
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("other-sm3").Span), Is.Null, "a rejected work leaves no index entry");
    }

    [Test]
    public void RegisterWork_SmWorkWithoutSha256ThenOneWithIt_DuplicateBySm3()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));
        chain.Apply(Platform, TransactionType.RegisterWork, Work("first", sha256: null, sm3: "photo-sm3"));

        var second = chain.Apply(Bob, TransactionType.RegisterWork, Work("second", sha256: "photo", sm3: "photo-sm3", holder: Bob));

        Assert.That(second.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
    }

    [Test]
    public void RegisterWork_SharingSha256WithABatchItem_IsRejected_DuplicateContentHash()
    {
        var chain = new TestChain(DefaultGenesis(suite: Sm));
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("seller-1"), [Sample.Item("photo", "item-1", sm3Seed: "item-sm3")]));

        var second = chain.Apply(Bob, TransactionType.RegisterWork, Work("second", sha256: "photo", sm3: "photo-sm3", holder: Bob));

        Assert.That(second.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
    }

    private static RegisterWork Work(string title, string? sha256, string? sm3, string holder = Platform)
    {
        var body = Sample.Work(title, holder == Platform ? Sample.External("seller-" + title) : Sample.Member(holder));
        body.ContentHash = new ContentHash
        {
            Sha256 = sha256 is null ? ByteString.Empty : Sample.Hash(sha256),
            Sm3 = sm3 is null ? ByteString.Empty : Sample.Hash(sm3),
        };
        return body;
    }
}
