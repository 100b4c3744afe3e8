using System.Text;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Bounds;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Bounds;

/// <summary>
/// A rejection reason is recorded in the chain's log leaf, whose encoding has a fixed bound: no signed
/// input may make a reason longer than that (issue 14: a 5,000-byte member id echoed into the reason
/// made LogLeaf.EncodeResult throw on every node, for ever).
/// </summary>
public sealed class BoundedReasonTests
{
    private static readonly string LongId = new('a', 5000);

    [Test]
    public void RegisterWork_HolderMemberIdOf5000Bytes_IsRejectedWithAReasonTheLogLeafEncodes()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(LongId)));

        var result = outcome.ToProto();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.LimitExceeded));
            Assert.That(result.Reason, Does.Contain("rights_holder.member_id of 5000 bytes exceeds 64"));
            Assert.That(() => LogLeaf.EncodeResult(result), Throws.Nothing);
        });
    }

    [Test]
    public void Apply_OutsideStringsOf5000Bytes_InEveryEchoedField_GiveReasonsWithinTheirBound()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var badChars = new string('!', 5000);
        RegistryTransaction[] block =
        [
            chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)), chainId: LongId),
            chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Alice)), suite: LongId),
            chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work("c", Sample.Member(badChars[..60]))),
            chain.Tx(Platform, TransactionType.RegisterWork, Sample.Work("d", Sample.External(LongId))),
            chain.Tx(Platform, TransactionType.RegisterWork, WithMetadata(Sample.Work("e", Sample.Member(Alice)), ("z", "1"), (LongId, "2"))),
            chain.Tx(Platform, TransactionType.FileClaim, Sample.Claim(Sample.WorkIdOf(new byte[32]), accusedMemberId: LongId)),
            chain.Tx(Admin1, TransactionType.ProposeChange, new ProposeChange { AddMember = new AddMember { MemberId = "m", Role = MemberRole.Auditor, Keys = { new MemberPublicKey { Suite = LongId, PublicKey = ByteString.CopyFrom(PublicKey("m")) } } } }),
            chain.Tx(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveNode = new RemoveNode { NodeId = LongId } }),
            chain.Tx(Admin1, TransactionType.ProposeChange, new ProposeChange { ChangeRole = new ChangeMemberRole { MemberId = badChars[..64], Role = MemberRole.Court } }),
        ];

        var outcomes = chain.ApplyBlock(block).Outcomes;

        Assert.Multiple(() =>
        {
            foreach (var outcome in outcomes)
            {
                var result = outcome.ToProto();
                Assert.That(outcome.IsOk, Is.False, outcome.ToString());
                Assert.That(Encoding.UTF8.GetByteCount(outcome.Detail), Is.LessThanOrEqualTo(OutsideValue.QuotedBytesMax + 160), outcome.ToString());
                Assert.That(() => LogLeaf.EncodeResult(result), Throws.Nothing, outcome.ToString());
            }
        });
    }

    [Test]
    public void Rejected_DetailLongerThanTheBound_IsCutDeterministicallyNotThrown()
    {
        var detail = string.Concat(Enumerable.Repeat("é🙂x", 5000));

        var first = TransactionOutcome.Rejected(RejectionReason.InvalidField, detail);
        var second = TransactionOutcome.Rejected(RejectionReason.InvalidField, detail);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetByteCount(first.Detail), Is.LessThanOrEqualTo(RegistryLimits.OutcomeDetailBytesMax));
            Assert.That(first.Detail, Does.EndWith("…"));
            Assert.That(detail, Does.StartWith(first.Detail[..^1]), "a prefix of the original, cut between characters");
            Assert.That(second.Detail, Is.EqualTo(first.Detail));
            Assert.That(() => LogLeaf.EncodeResult(first.ToProto()), Throws.Nothing);
        });
    }

    [Test]
    public void OutcomeBounds_FitTheLogLeafReasonBound()
    {
        var longestName = Enum.GetNames<RejectionReason>().Max(name => Encoding.UTF8.GetByteCount(name));

        Assert.Multiple(() =>
        {
            Assert.That(longestName, Is.LessThanOrEqualTo(RegistryLimits.ReasonNameBytesMax));
            Assert.That(RegistryLimits.ReasonNameBytesMax + ": ".Length + RegistryLimits.OutcomeDetailBytesMax, Is.LessThanOrEqualTo(LogLeaf.ReasonBytesMax));
        });
    }

    [TestCase("short", "'short'")]
    [TestCase("", "''")]
    public void Quote_ShortValue_IsQuotedAsIs(string value, string expected) => Assert.That(OutsideValue.Quote(value), Is.EqualTo(expected));

    [Test]
    public void Quote_LongValue_ShowsAPrefixAndTheByteLength()
    {
        var quoted = OutsideValue.Quote(LongId);

        Assert.That(quoted, Is.EqualTo($"'{new string('a', OutsideValue.ShownCharsMax)}…' (5000 bytes)"));
    }

    [Test]
    public void Quote_CutInsideASurrogatePair_KeepsThePairWhole()
    {
        var value = new string('a', OutsideValue.ShownCharsMax - 1) + "🙂" + new string('b', 100);

        var quoted = OutsideValue.Quote(value);

        Assert.That(quoted, Does.StartWith($"'{new string('a', OutsideValue.ShownCharsMax - 1)}…'"));
    }

    private static RegisterWork WithMetadata(RegisterWork work, params (string Key, string Value)[] entries)
    {
        foreach (var (key, value) in entries)
        {
            work.Metadata.Add(new MetadataEntry { Key = key, Value = value });
        }

        return work;
    }
}
