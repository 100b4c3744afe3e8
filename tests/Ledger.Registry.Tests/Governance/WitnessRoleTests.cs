using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Governance;

/// <summary>
/// Issue 15, point 7: a witness is a consortium member whose Ed25519 key cosigns checkpoints, in a
/// consortium of any suite, and signs nothing else. It is registered in the genesis or by
/// governance (AddMember, RotateMemberKey, RemoveMember) like any member.
/// </summary>
public sealed class WitnessRoleTests
{
    private const string P256 = "p256-sha256";
    private const string Ed25519 = "ed25519";
    private const string Witness = "court-witness";

    [Test]
    public void Genesis_WitnessWithAnEd25519KeyInAP256Consortium_IsRegisteredAsWitness()
    {
        var chain = new TestChain(GenesisWithWitness(P256));

        var witness = chain.Queries.GetMembersAt(0).Single(m => m.MemberId == Witness);

        Assert.Multiple(() =>
        {
            Assert.That(witness.Role, Is.EqualTo(MemberRole.Witness));
            Assert.That(witness.ValidKeys.Single().Suite, Is.EqualTo(Ed25519));
        });
    }

    [Test]
    public void Genesis_WitnessWithAP256Key_IsRefused()
    {
        var genesis = DefaultGenesis(suite: P256);
        var members = genesis.Members.Append(new GenesisMember { Id = Witness, Role = WitnessRole.Name, Keys = [new GenesisKey { Suite = P256, PublicKey = PublicKey(Witness, suite: P256) }] }).ToList();

        var json = Copy(genesis, members).ToJson();

        var error = Assert.Throws<GenesisFormatException>(() => ConsortiumGenesis.Parse(json));

        Assert.That(error!.Message, Does.Contain("witness key must be ed25519"));
    }

    /// <summary>In an ed25519 consortium the witness key is of the chain's suite, so only the role stops it.</summary>
    [TestCaseSource(nameof(EveryTransactionType))]
    public void AnyTransaction_SignedByAWitnessKeyInAnEd25519Consortium_IsRejectedRoleNotPermitted(TransactionType type)
    {
        var chain = new TestChain(GenesisWithWitness(Ed25519));

        var outcome = chain.ApplyBlock(chain.Tx(Witness, type, Google.Protobuf.ByteString.Empty)).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.RoleNotPermitted), outcome.ToString());
    }

    /// <summary>In a p256 consortium the Ed25519 witness key cannot even match the envelope's suite.</summary>
    [TestCaseSource(nameof(EveryTransactionType))]
    public void AnyTransaction_SignedByAWitnessKeyInAP256Consortium_IsRejected(TransactionType type)
    {
        var chain = new TestChain(GenesisWithWitness(P256));

        var asChainSuite = chain.ApplyBlock(chain.Tx(Witness, type, Google.Protobuf.ByteString.Empty, suite: P256)).Outcomes[0];
        var asKeySuite = chain.ApplyBlock(chain.Tx(Witness, type, Google.Protobuf.ByteString.Empty, suite: Ed25519)).Outcomes[0];

        Assert.Multiple(() =>
        {
            Assert.That(asChainSuite.IsOk, Is.False, asChainSuite.ToString());
            Assert.That(asKeySuite.IsOk, Is.False, asKeySuite.ToString());
        });
    }

    [Test]
    public void AddMember_WitnessWithAnEd25519KeyInAP256Consortium_Executes()
    {
        var chain = new TestChain(DefaultGenesis(suite: P256, threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, AddWitness(Ed25519));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.IsOk, Is.True, outcome.ToString());
            Assert.That(chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Witness).Role, Is.EqualTo(MemberRole.Witness));
        });
    }

    [Test]
    public void AddMember_WitnessWithAKeyOfTheChainsP256Suite_IsRejectedInvalidField()
    {
        var chain = new TestChain(DefaultGenesis(suite: P256, threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, AddWitness(P256));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
            Assert.That(outcome.Detail, Does.Contain("witness key suite 'ed25519'"));
        });
    }

    [Test]
    public void RotateKey_OfAWitness_TakesAnEd25519KeyAndRefusesAP256One()
    {
        var chain = new TestChain(GenesisWithWitness(P256, threshold: 1));

        var p256 = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = Witness, NewKey = Key(P256, PublicKey(Witness, 1, P256)) } });
        var ed = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = Witness, NewKey = Key(Ed25519, PublicKey(Witness, 1, Ed25519)) } });

        Assert.Multiple(() =>
        {
            Assert.That(p256.Reason, Is.EqualTo(RejectionReason.InvalidField), p256.ToString());
            Assert.That(ed.IsOk, Is.True, ed.ToString());
            Assert.That(chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Witness).ValidKeys, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void RotateKey_OfAP256Member_ToAnEd25519Key_IsRejectedInvalidField()
    {
        var chain = new TestChain(DefaultGenesis(suite: P256, threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = Alice, NewKey = Key(Ed25519, PublicKey(Alice, 1, Ed25519)) } });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField), outcome.ToString());
    }

    [TestCase(Alice, MemberRole.Witness)]
    [TestCase(Witness, MemberRole.Auditor)]
    public void ChangeRole_IntoOrOutOfWitness_IsRejectedChangeNotApplicable(string memberId, MemberRole role)
    {
        var chain = new TestChain(GenesisWithWitness(P256, threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { ChangeRole = new ChangeMemberRole { MemberId = memberId, Role = role } });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ChangeNotApplicable), outcome.ToString());
    }

    [Test]
    public void RemoveMember_AWitness_RetiresItsKey()
    {
        var chain = new TestChain(GenesisWithWitness(P256, threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveMember = new RemoveMember { MemberId = Witness } });

        Assert.Multiple(() =>
        {
            Assert.That(outcome.IsOk, Is.True, outcome.ToString());
            var witness = chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Witness);
            Assert.That(witness.Active, Is.False);
            Assert.That(witness.ValidKeys, Is.Empty);
        });
    }

    public static IEnumerable<TransactionType> EveryTransactionType() =>
        Enum.GetValues<TransactionType>().Where(t => t != TransactionType.Unspecified);

    private static ProposeChange AddWitness(string keySuite) =>
        new() { AddMember = new AddMember { MemberId = Witness, Role = MemberRole.Witness, Keys = { Key(keySuite, PublicKey(Witness, suite: keySuite)) } } };

    private static MemberPublicKey Key(string suite, byte[] publicKey) =>
        new() { Suite = suite, PublicKey = Google.Protobuf.ByteString.CopyFrom(publicKey) };

    private static ConsortiumGenesis GenesisWithWitness(string suite, uint? threshold = null)
    {
        var genesis = DefaultGenesis(suite: suite, threshold: threshold);
        var witness = new GenesisMember { Id = Witness, Role = WitnessRole.Name, Keys = [new GenesisKey { Suite = Ed25519, PublicKey = PublicKey(Witness, suite: Ed25519) }] };
        return Copy(genesis, [.. genesis.Members, witness]);
    }

    private static ConsortiumGenesis Copy(ConsortiumGenesis genesis, IReadOnlyList<GenesisMember> members) => new()
    {
        FormatVersion = genesis.FormatVersion,
        ChainId = genesis.ChainId,
        Suite = genesis.Suite,
        ApprovalThreshold = genesis.ApprovalThreshold,
        ProposalExpiryBlocks = genesis.ProposalExpiryBlocks,
        Members = members,
        Nodes = genesis.Nodes,
    };
}
