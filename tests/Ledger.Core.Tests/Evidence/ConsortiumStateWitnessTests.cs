using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Evidence;

/// <summary>
/// Issue 15, point 7: an offline verifier learns which witness keys count at a height from the
/// genesis and the executed governance changes it replays, as it does for node keys.
/// </summary>
public sealed class ConsortiumStateWitnessTests
{
    private const string ChainId = "test-chain";
    private static readonly KeyPair GenesisWitness = CryptoSuites.Ed25519.GenerateKeyPair();
    private static readonly KeyPair LaterWitness = CryptoSuites.Ed25519.GenerateKeyPair();
    private static readonly KeyPair RotatedWitness = CryptoSuites.Ed25519.GenerateKeyPair();

    [Test]
    public void Witnesses_OfAP256Genesis_AreItsWitnessMembersWithTheirEd25519Keys()
    {
        var state = new ConsortiumState(Genesis());

        Assert.Multiple(() =>
        {
            Assert.That(state.Witnesses.Select(w => w.MemberId), Is.EqualTo(new[] { "witness-a" }));
            Assert.That(state.Witnesses[0].PublicKey.Encoded.ToArray(), Is.EqualTo(GenesisWitness.Public.ToArray()));
            Assert.That(state.RoleOf("witness-a"), Is.EqualTo(WitnessRole.Name));
        });
    }

    [Test]
    public void Witnesses_AfterAddRotateAndRemove_FollowTheExecutedChanges()
    {
        var state = new ConsortiumState(Genesis());
        var add = new ProposeChange { AddMember = new AddMember { MemberId = "witness-b", Role = MemberRole.Witness, Keys = { Ed25519Key(LaterWitness) } } };
        var rotate = new ProposeChange { RotateKey = new RotateMemberKey { MemberId = "witness-b", OldKeyId = ByteString.CopyFrom(LaterWitness.KeyId.Bytes), NewKey = Ed25519Key(RotatedWitness) } };
        var remove = new ProposeChange { RemoveMember = new RemoveMember { MemberId = "witness-a" } };

        state.Observe(2, 0, Proposal(add, 1), Hash(1), Executed());
        var afterAdd = state.Witnesses.Select(w => (w.MemberId, w.AddedAtHeight)).ToList();
        state.Observe(3, 0, Proposal(rotate, 2), Hash(2), Executed());
        var afterRotate = state.Witnesses.Select(w => w.PublicKey.Encoded.ToArray()).ToList();
        state.Observe(4, 0, Proposal(remove, 3), Hash(3), Executed());

        Assert.Multiple(() =>
        {
            Assert.That(afterAdd, Is.EqualTo(new[] { ("witness-a", 0UL), ("witness-b", 2UL) }));
            Assert.That(afterRotate, Is.EqualTo(new[] { GenesisWitness.Public.ToArray(), RotatedWitness.Public.ToArray() }));
            Assert.That(state.Witnesses.Select(w => w.MemberId), Is.EqualTo(new[] { "witness-b" }));
        });
    }

    [Test]
    public void Witnesses_OtherRoles_AreNotWitnesses()
    {
        var state = new ConsortiumState(Genesis());
        var addAuditor = new ProposeChange { AddMember = new AddMember { MemberId = "auditor-1", Role = MemberRole.Auditor, Keys = { Ed25519Key(LaterWitness) } } };

        state.Observe(2, 0, Proposal(addAuditor, 1), Hash(1), Executed());

        Assert.That(state.Witnesses.Select(w => w.MemberId), Is.EqualTo(new[] { "witness-a" }));
    }

    private static MemberPublicKey Ed25519Key(KeyPair key) => new() { Suite = "ed25519", PublicKey = ByteString.CopyFrom(key.Public.ToArray()) };

    private static TransactionResult Executed() => new() { Code = ResultCode.Ok, Reason = $"proposal X{ConsortiumState.ExecutedMarker}1 of 1 approvals" };

    private static byte[] Hash(byte seed) => [.. Enumerable.Repeat(seed, 32)];

    private static SignedTransaction Proposal(ProposeChange change, ulong nonce)
    {
        var envelope = new TransactionEnvelope { ChainId = ChainId, Nonce = nonce, Type = TransactionType.ProposeChange, Body = change.ToByteString(), Suite = "p256-sha256" };
        return new SignedTransaction { Envelope = envelope.ToByteString() };
    }

    private static ConsortiumGenesis Genesis()
    {
        var admin = CryptoSuites.P256Sha256.GenerateKeyPair();
        var node = CryptoSuites.P256Sha256.GenerateKeyPair();
        return new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = "p256-sha256",
            ProposalExpiryBlocks = 10,
            Members =
            [
                new GenesisMember { Id = "admin-1", Role = "admin", Keys = [new GenesisKey { Suite = "p256-sha256", PublicKey = admin.Public.ToArray() }] },
                new GenesisMember { Id = "witness-a", Role = WitnessRole.Name, Keys = [new GenesisKey { Suite = "ed25519", PublicKey = GenesisWitness.Public.ToArray() }] },
            ],
            Nodes = [new GenesisNode { Id = "node-1", Address = "https://n:1", Key = new GenesisKey { Suite = "p256-sha256", PublicKey = node.Public.ToArray() } }],
        };
    }
}
