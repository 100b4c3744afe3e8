using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Queries;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Envelope;

public sealed class KeyHistoryTests
{
    [Test]
    public void RevokedKey_IsRejectedFromChangeHeight_ButEarlierTransactionsStayValid()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var early = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("early", Sample.Member(Alice)));
        var earlyPosition = new ChainPosition { Height = chain.Height, Index = 0 };

        // Revocation (threshold 1: the proposal executes at once) and Alice's next transaction in the same block.
        var revoke = chain.Tx(Admin1, TransactionType.ProposeChange, new ProposeChange
        {
            RotateKey = new RotateMemberKey { MemberId = Alice, OldKeyId = ByteString.CopyFrom(KeyIdOf(Alice)) },
        });
        var beforeInBlock = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("before", Sample.Member(Alice)));
        var block = chain.ApplyBlock(beforeInBlock, revoke, chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("after", Sample.Member(Alice))));
        var revocationHeight = chain.Height;
        var later = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("later", Sample.Member(Alice)));

        Assert.That(early.IsOk, Is.True);
        Assert.That(block.Outcomes[0].IsOk, Is.True, "before the change in the same block");
        Assert.That(block.Outcomes[1].IsOk, Is.True, block.Outcomes[1].ToString());
        Assert.That(block.Outcomes[2].Reason, Is.EqualTo(RejectionReason.KeyRevoked), "after the change in the same block");
        Assert.That(later.Reason, Is.EqualTo(RejectionReason.KeyRevoked));
        var key = chain.Queries.GetKey(KeyIdOf(Alice))!;
        Assert.That(key.ValidUntil.Height, Is.EqualTo(revocationHeight));
        Assert.That(RegistryQueries.IsKeyValidAt(key, earlyPosition), Is.True, "earlier signatures stay valid for audit");
        Assert.That(RegistryQueries.IsKeyValidAt(key, new ChainPosition { Height = revocationHeight, Index = 0 }), Is.True);
        Assert.That(RegistryQueries.IsKeyValidAt(key, new ChainPosition { Height = revocationHeight, Index = 2 }), Is.False);
        Assert.That(chain.Queries.GetWork(Sample.WorkIdOf(beforeInBlock.TxHash).Span), Is.Not.Null);
    }

    [Test]
    public void RotatedKey_NewKeySignsFromTheNextTransaction_OldKeyIsRejected()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var newKey = PublicKey(Alice, generation: 1);
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange
        {
            RotateKey = new RotateMemberKey
            {
                MemberId = Alice,
                OldKeyId = ByteString.CopyFrom(KeyIdOf(Alice)),
                NewKey = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(newKey) },
            },
        });

        var withOld = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)));
        chain.UseKey(Alice, newKey);
        var withNew = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Alice)));

        Assert.That(withOld.Reason, Is.EqualTo(RejectionReason.KeyRevoked));
        Assert.That(withNew.IsOk, Is.True, withNew.ToString());
    }

    [Test]
    public void MembersAtHeight_ReportKeysValidAtTheEndOfThatBlock()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var newKey = PublicKey(Alice, generation: 1);
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange
        {
            RotateKey = new RotateMemberKey
            {
                MemberId = Alice,
                OldKeyId = ByteString.CopyFrom(KeyIdOf(Alice)),
                NewKey = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(newKey) },
            },
        });

        var atGenesis = chain.Queries.GetMembersAt(0).Single(m => m.MemberId == Alice);
        var afterRotation = chain.Queries.GetMembersAt(1).Single(m => m.MemberId == Alice);

        Assert.That(atGenesis.ValidKeys.Select(k => k.KeyId.ToByteArray()), Is.EqualTo(new[] { KeyIdOf(Alice) }));
        Assert.That(afterRotation.ValidKeys.Select(k => k.KeyId.ToByteArray()), Is.EqualTo(new[] { KeyId(newKey) }));
    }

    [Test]
    public void RemovedMember_KeysAreRetired_AndAsHolderItIsRejected_MemberInactive()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)));
        var workId = Sample.WorkIdOf(chain.LastTxHash);
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveMember = new RemoveMember { MemberId = Bob } });

        var bobSigns = chain.Apply(Bob, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Bob)));
        var transferToBob = chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = workId, NewHolder = Sample.Member(Bob) });

        Assert.That(bobSigns.Reason, Is.EqualTo(RejectionReason.KeyRevoked));
        Assert.That(transferToBob.Reason, Is.EqualTo(RejectionReason.MemberInactive));
        var bobAtEnd = chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Bob);
        Assert.That(bobAtEnd.Active, Is.False);
        Assert.That(chain.Queries.GetMembersAt(0).Single(m => m.MemberId == Bob).Active, Is.True);
    }

    [Test]
    public void MemberRemovedMidBlock_LaterHolderCheckInThatBlock_IsRejected_MemberInactive()
    {
        // The holder's member record is parsed once per block and reused; the removal stores new
        // bytes for it, so the third transaction must see Bob inactive, not the cached record.
        var chain = new TestChain(DefaultGenesis(threshold: 1));

        var block = chain.ApplyBlock(
            chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work("before", Sample.Member(Bob))),
            chain.Tx(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveMember = new RemoveMember { MemberId = Bob } }),
            chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work("after", Sample.Member(Bob))));

        Assert.That(block.Outcomes[0].IsOk, Is.True, block.Outcomes[0].ToString());
        Assert.That(block.Outcomes[1].IsOk, Is.True, block.Outcomes[1].ToString());
        Assert.That(block.Outcomes[2].Reason, Is.EqualTo(RejectionReason.MemberInactive));
    }
}
