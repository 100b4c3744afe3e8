using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Works;

public sealed class RegisterWorkTests
{
    [Test]
    public void RegisterWork_ByPlatformForExternalHolder_IsFoundByContentHashAndOwner()
    {
        var chain = new TestChain();
        var holder = Sample.External("seller-42");

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("photo", holder));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        var work = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("photo").Span);
        Assert.That(work, Is.Not.Null);
        Assert.That(work!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(chain.LastTxHash, 0)));
        Assert.That(work.RegistrantMemberId, Is.EqualTo(Platform));
        Assert.That(work.StewardMemberId, Is.EqualTo(Platform));
        Assert.That(work.RegisteredAt.Height, Is.EqualTo(1UL));
        Assert.That(work.RegisteredTimestampUnixMs, Is.EqualTo(TimestampOf(1)));
        Assert.That(chain.Queries.GetWorksByOwner(holder, null, 10).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public void RegisterWork_SameContentHashTwice_SecondIsRejectedWithReferenceToFirst()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("photo", Sample.External("seller-1")));
        var firstTxHash = chain.LastTxHash;

        var second = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)));

        Assert.That(second.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(second.ReferenceTxHash, Is.EqualTo(firstTxHash));
        Assert.That(second.ToProto().ReferenceTxHash.ToByteArray(), Is.EqualTo(firstTxHash));
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("photo").Span)!.RegistrantMemberId, Is.EqualTo(Platform));
    }

    [Test]
    public void RegisterWork_SameContentHashTwiceInOneBlock_FirstPositionWins()
    {
        var chain = new TestChain();
        var first = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)));
        var second = chain.Tx(Bob, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Bob)));

        var block = chain.ApplyBlock(first, second);

        Assert.That(block.Outcomes[0].IsOk, Is.True);
        Assert.That(block.Outcomes[1].Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(block.Outcomes[1].ReferenceTxHash, Is.EqualTo(first.TxHash));
    }

    [Test]
    public void RegisterWork_ByRightsHolderForAnotherMember_IsRejected_NotAuthorized()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Bob)));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [TestCase(Court)]
    [TestCase(Admin1)]
    [TestCase(Auditor)]
    public void RegisterWork_ByRoleOtherThanPlatformOrRightsHolder_IsRejected_RoleNotPermitted(string signer)
    {
        var chain = new TestChain();

        var outcome = chain.Apply(signer, TransactionType.RegisterWork, Sample.Work("photo", Sample.External("x")));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void RegisterWork_TitleLongerThanLimit_IsRejected_LimitExceeded()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.Title = new string('x', RegistryLimits.TitleBytesMax + 1);

        var outcome = chain.Apply(Alice, TransactionType.RegisterWork, body);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.LimitExceeded));
        Assert.That(outcome.Detail, Does.Contain(nameof(RegistryLimits.TitleBytesMax)));
    }

    [Test]
    public void RegisterWork_TitleAtLimitInMultibyteCharacters_IsAccepted()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.Title = new string('画', RegistryLimits.TitleBytesMax / 3);

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).IsOk, Is.True);
    }

    [Test]
    public void RegisterWork_WithoutContentHash_IsRejected_MissingField()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.ContentHash = null;

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.MissingField));
    }

    [Test]
    public void RegisterWork_ContentHashOfWrongLength_IsRejected_InvalidField()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.ContentHash.Sha256 = Google.Protobuf.ByteString.CopyFrom(new byte[20]);

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void RegisterWork_TooManyMetadataEntries_IsRejected_LimitExceeded()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        for (var i = 0; i <= RegistryLimits.MetadataEntriesMax; i++)
        {
            body.Metadata.Add(new MetadataEntry { Key = $"k{i:D3}", Value = "v" });
        }

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void RegisterWork_MetadataKeysOutOfOrder_IsRejected_InvalidField()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.Metadata.Add(new MetadataEntry { Key = "camera", Value = "x" });
        body.Metadata.Add(new MetadataEntry { Key = "author", Value = "y" });

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void RegisterWork_PerceptualHashOnAudio_IsRejected_InvalidField()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("song", Sample.Member(Alice), perceptualHash: 42, mediaType: MediaType.Audio));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void RegisterWork_ClaimedCreationAfterBlockTimePlusSkew_IsRejected_InvalidField()
    {
        var chain = new TestChain();
        var body = Sample.Work("photo", Sample.Member(Alice));
        body.ClaimedCreationUnixMs = TimestampOf(1) + RegistryLimits.ClaimedTimeFutureSkewMs + 1;

        Assert.That(chain.Apply(Alice, TransactionType.RegisterWork, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void RegisterWork_ForUnknownMember_IsRejected_UnknownMember()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member("nobody"))).Reason, Is.EqualTo(RejectionReason.UnknownMember));
    }

    [Test]
    public void RegisterWork_WithoutMediaType_IsRejected_MissingField()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice), mediaType: MediaType.Unspecified));

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MissingField));
    }

    [Test]
    public void RegisterWork_UnderSmSuite_RequiresSm3AndIndexesIt()
    {
        var chain = new TestChain(DefaultGenesis(suite: "sm2-sm3"));
        var withoutSm3 = Sample.Work("photo", Sample.Member(Alice));
        var withSm3 = Sample.Work("photo", Sample.Member(Alice));
        withSm3.ContentHash.Sm3 = Sample.Hash("photo-sm3");

        var rejected = chain.Apply(Alice, TransactionType.RegisterWork, withoutSm3);
        var accepted = chain.Apply(Alice, TransactionType.RegisterWork, withSm3);

        Assert.That(rejected.Reason, Is.EqualTo(RejectionReason.MissingField));
        Assert.That(accepted.IsOk, Is.True, accepted.ToString());
        Assert.That(chain.Queries.FindByContentHash(ContentHashAlgorithm.Sm3, Sample.Hash("photo-sm3").Span), Is.Not.Null);
    }

    [Test]
    public void RegisterWork_Rejected_ChangesNoStateButItsNonce()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)));

        var block = chain.ApplyBlock(chain.Tx(Bob, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Bob))));

        Assert.That(block.Outcomes[0].IsOk, Is.False);
        var committedWrites = block.Writes.Where(w => KeySpaces.IsCommitted(w.Key.Space)).Select(w => w.Key.Space).ToList();
        Assert.That(committedWrites, Is.EqualTo(new[] { KeySpace.Nonce }));
    }
}
