using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Envelope;

public sealed class EnvelopeRuleTests
{
    [Test]
    public void Transaction_ForAnotherChain_IsRejected_WrongChainId_AndConsumesNoNonce()
    {
        var chain = new TestChain();
        var foreign = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)), nonce: 7, chainId: "other-chain");

        var rejected = chain.ApplyBlock(foreign).Outcomes[0];
        var sameNonceHere = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)), nonce: 7)).Outcomes[0];

        Assert.That(rejected.Reason, Is.EqualTo(RejectionReason.WrongChainId));
        Assert.That(sameNonceHere.IsOk, Is.True, sameNonceHere.ToString());
    }

    [Test]
    public void Nonce_ReusedBySameKeyInLaterBlock_IsRejected_DuplicateNonce()
    {
        var chain = new TestChain();
        chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), nonce: 5));

        var replay = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Alice)), nonce: 5)).Outcomes[0];

        Assert.That(replay.Reason, Is.EqualTo(RejectionReason.DuplicateNonce));
    }

    [Test]
    public void Nonce_ReusedWithinOneBlock_SecondIsRejected_DuplicateNonce()
    {
        var chain = new TestChain();

        var block = chain.ApplyBlock(
            chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), nonce: 5),
            chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Alice)), nonce: 5));

        Assert.That(block.Outcomes[0].IsOk, Is.True);
        Assert.That(block.Outcomes[1].Reason, Is.EqualTo(RejectionReason.DuplicateNonce));
    }

    [Test]
    public void Nonce_SameValueFromDifferentSigners_IsAccepted()
    {
        var chain = new TestChain();

        var block = chain.ApplyBlock(
            chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), nonce: 5),
            chain.Tx(Bob, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Bob)), nonce: 5));

        Assert.That(block.Outcomes.All(o => o.IsOk), Is.True);
    }

    [Test]
    public void Nonce_OfRejectedTransaction_IsConsumed_SoTheRejectedTransactionCannotBeReplayed()
    {
        var chain = new TestChain();
        var rejected = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Bob)), nonce: 9);
        Assert.That(chain.ApplyBlock(rejected).Outcomes[0].Reason, Is.EqualTo(RejectionReason.NotAuthorized));

        var replay = chain.ApplyBlock(rejected).Outcomes[0];

        Assert.That(replay.Reason, Is.EqualTo(RejectionReason.DuplicateNonce));
    }

    [Test]
    public void Transaction_SignedByUnregisteredKey_IsRejected_UnknownKey()
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), publicKey: PublicKey("mallory"))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.UnknownKey));
    }

    [Test]
    public void Transaction_WithOverlongSignerKeyId_IsRejected_UnknownKey()
    {
        var chain = new TestChain();
        var tx = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)));
        tx.Envelope.SignerKeyId = ByteString.CopyFrom(new byte[300]);

        Assert.That(chain.ApplyBlock(tx).Outcomes[0].Reason, Is.EqualTo(RejectionReason.UnknownKey));
    }

    [Test]
    public void HostileIdentifiers_AreRejected_NotThrown()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var longId = new string('m', 300);

        var holder = chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(longId)));
        var rotate = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = Alice, OldKeyId = ByteString.CopyFrom(new byte[300]) } });
        var accused = chain.Apply(Platform, TransactionType.FileClaim, Sample.Claim(Sample.WorkIdOf(new byte[32]), accusedMemberId: longId));

        // Field bounds come before state: the over-long accused id is refused before the work is looked up.
        Assert.That(holder.Reason, Is.EqualTo(RejectionReason.LimitExceeded));
        Assert.That(rotate.Reason, Is.EqualTo(RejectionReason.InvalidField));
        Assert.That(accused.Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void ApplyBlock_ForAnotherChainThanTheState_Throws()
    {
        var chain = new TestChain();

        Assert.That(
            () => chain.Applier.ApplyBlock(chain.State, new BlockContext("other-chain", 1, 0), []),
            Throws.TypeOf<RegistryInvariantException>());
    }

    [Test]
    public void Transaction_WhoseEnvelopeSuiteDiffersFromKeySuite_IsRejected_SuiteMismatch()
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), suite: "ed25519")).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.SuiteMismatch));
    }

    [TestCase(TransactionType.Unspecified)]
    [TestCase((TransactionType)99)]
    public void Transaction_OfUnknownType_IsRejected_UnsupportedTransactionType(TransactionType type)
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, type, ByteString.Empty)).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.UnsupportedTransactionType));
    }

    [Test]
    public void Transaction_WithUndecodableBody_IsRejected_MalformedBody()
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, ByteString.CopyFrom(0xFF, 0xFF, 0xFF))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.MalformedBody));
    }

    [Test]
    public void Transaction_WithBodyOverTheBound_IsRejected_LimitExceeded()
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Alice, TransactionType.RegisterWork, ByteString.CopyFrom(new byte[RegistryLimits.TransactionBodyBytesMax + 1]))).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void Anchor_FromAMember_IsRecordedOk_WithoutRegistryState()
    {
        var chain = new TestChain();

        var block = chain.ApplyBlock(chain.Tx(Platform, TransactionType.Anchor, ByteString.CopyFromUtf8("anything")));

        Assert.That(block.Outcomes[0].IsOk, Is.True);
        Assert.That(block.Writes.Count(w => Ledger.Registry.State.KeySpaces.IsCommitted(w.Key.Space)), Is.EqualTo(1), "only the nonce");
    }

    [TestCase(TransactionType.Anchor)]
    [TestCase(TransactionType.FileClaim)]
    [TestCase(TransactionType.Vote)]
    public void Auditor_SubmittingAnything_IsRejected_RoleNotPermitted(TransactionType type)
    {
        var chain = new TestChain();

        var outcome = chain.ApplyBlock(chain.Tx(Auditor, type, ByteString.Empty)).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void RejectedOutcome_InChainForm_CarriesReasonNameAndDetail()
    {
        var outcome = TransactionOutcome.Rejected(RejectionReason.WorkNotFound, "work 00 is not registered");

        var proto = outcome.ToProto();

        Assert.That(proto.Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(proto.Reason, Is.EqualTo("WorkNotFound: work 00 is not registered"));
    }

    [Test]
    public void ApplyBlock_AtAHeightThatDoesNotFollow_Throws()
    {
        var chain = new TestChain();

        Assert.That(
            () => chain.Applier.ApplyBlock(chain.State, new BlockContext(ChainId, 5, 0), []),
            Throws.TypeOf<RegistryInvariantException>());
    }
}
