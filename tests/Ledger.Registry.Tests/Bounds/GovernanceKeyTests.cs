using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Bounds;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Bounds;

/// <summary>
/// A governance change may only carry a key this chain can use (issue 14, point 5): the chain's suite,
/// the suite's length, a valid point that is not the identity. Otherwise the member could never sign
/// (an Ed25519 key on a P-256 chain) or every node would fail to load the key at each restart.
/// </summary>
public sealed class GovernanceKeyTests
{
    private const string P256 = "p256-sha256";
    private const string Ed25519 = "ed25519";
    private const string Sm2 = "sm2-sm3";

    /// <summary>(chain suite, key suite label, key bytes, what is wrong with it).</summary>
    public static IEnumerable<TestCaseData> BadKeys()
    {
        var p256 = PublicKey("new", suite: P256);
        var ed = PublicKey("new", suite: Ed25519);
        var sm2 = PublicKey("new", suite: Sm2);
        yield return Case(P256, Ed25519, ed, "Ed25519 key on a P-256 chain (the issue's example)");
        yield return Case(P256, Ed25519, p256, "P-256 key labelled with another suite");
        yield return Case(P256, P256, ed, "32-byte key under the 65-byte suite");
        yield return Case(P256, P256, [.. p256, 0], "one byte too long");
        yield return Case(P256, P256, FlipLastBit(p256), "point off the curve");
        yield return Case(P256, P256, [0x04, .. new byte[64]], "(0, 0): the encoding of no point, the identity's stand-in");
        yield return Case(P256, P256, [0x02, .. p256[1..]], "not the uncompressed tag");
        yield return Case(P256, P256, [0x04, .. Enumerable.Repeat((byte)0xFF, 64)], "coordinates beyond the field");
        yield return Case(Ed25519, Ed25519, [0x01, .. new byte[31]], "the identity point");
        yield return Case(Ed25519, Ed25519, [.. new byte[32]], "a point of small order");
        yield return Case(Ed25519, Ed25519, [.. Enumerable.Repeat((byte)0xFF, 32)], "not a canonical encoding");
        yield return Case(Sm2, Sm2, FlipLastBit(sm2), "point off sm2p256v1");
        yield return Case(Sm2, Sm2, [0x04, .. new byte[64]], "(0, 0) on sm2p256v1");
        yield return Case(Sm2, P256, p256, "P-256 key on an SM2 chain");
    }

    [TestCaseSource(nameof(BadKeys))]
    public void AddMember_WithABadKey_IsRejectedNamingTheField(string chainSuite, string keySuite, byte[] key)
    {
        var chain = new TestChain(DefaultGenesis(suite: chainSuite, threshold: 1));
        var change = new ProposeChange { AddMember = new AddMember { MemberId = "newcomer", Role = MemberRole.Platform, Keys = { Key(keySuite, key) } } };

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, change);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
            Assert.That(outcome.Detail, Does.StartWith("add_member.keys[0]."));
            Assert.That(chain.Queries.GetMembersAt(chain.Height).Any(m => m.MemberId == "newcomer"), Is.False);
            Assert.That(BodyBounds.Validate(TransactionType.ProposeChange, change.ToByteString(), chainSuite)?.Reason, Is.EqualTo(RejectionReason.InvalidField));
        });
    }

    [TestCaseSource(nameof(BadKeys))]
    public void RotateKey_WithABadNewKey_IsRejectedNamingTheField(string chainSuite, string keySuite, byte[] key)
    {
        var chain = new TestChain(DefaultGenesis(suite: chainSuite, threshold: 1));
        var change = new ProposeChange { RotateKey = new RotateMemberKey { MemberId = Alice, NewKey = Key(keySuite, key) } };

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, change);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
            Assert.That(outcome.Detail, Does.StartWith("rotate_key.new_key."));
            Assert.That(chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Alice).ValidKeys, Has.Count.EqualTo(1));
        });
    }

    [TestCaseSource(nameof(BadKeys))]
    public void AddNode_WithABadKey_IsRejectedNamingTheField(string chainSuite, string keySuite, byte[] key)
    {
        var chain = new TestChain(DefaultGenesis(suite: chainSuite, threshold: 1));
        var change = new ProposeChange { AddNode = new AddNode { NodeId = "node-9", Address = "https://10.0.0.9:7400", Key = Key(keySuite, key) } };

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, change);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
            Assert.That(outcome.Detail, Does.StartWith("add_node.key."));
            Assert.That(chain.Queries.GetNodes().Any(n => n.NodeId == "node-9"), Is.False);
            Assert.That(chain.LastBlock!.Effects, Is.Empty);
        });
    }

    [TestCase(P256)]
    [TestCase(Ed25519)]
    [TestCase(Sm2)]
    public void AddMember_WithAValidKeyOfTheChainsSuite_Executes(string chainSuite)
    {
        var chain = new TestChain(DefaultGenesis(suite: chainSuite, threshold: 1));
        var change = new ProposeChange { AddMember = new AddMember { MemberId = "newcomer", Role = MemberRole.Platform, Keys = { Key(chainSuite, PublicKey("newcomer", suite: chainSuite)) } } };

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, change);

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(outcome.Detail, Does.Contain("executed"));
    }

    [Test]
    public void AddMember_TheSameKeyTwice_IsRejectedAsADuplicateEntry()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var key = Key(P256, PublicKey("newcomer"));
        var change = new ProposeChange { AddMember = new AddMember { MemberId = "newcomer", Role = MemberRole.Platform, Keys = { key, key.Clone() } } };

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, change);

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
        Assert.That(outcome.Detail, Does.Contain("add_member.keys[1] repeats"));
    }

    private static TestCaseData Case(string chainSuite, string keySuite, byte[] key, string what) =>
        new TestCaseData(chainSuite, keySuite, key).SetArgDisplayNames($"{chainSuite} chain, {what}");

    private static MemberPublicKey Key(string suite, byte[] key) => new() { Suite = suite, PublicKey = ByteString.CopyFrom(key) };

    private static byte[] FlipLastBit(byte[] key)
    {
        var copy = (byte[])key.Clone();
        copy[^1] ^= 1;
        return copy;
    }
}
