using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Evidence;

/// <summary>
/// Auditors and evidence verifiers replay a chain's governance: a key recorded by an executed change
/// that does not decode (the registry refuses such keys now; an older chain may hold one) is left out
/// and reported, never thrown, so one bad record cannot make a whole chain unverifiable.
/// </summary>
public sealed class ConsortiumStateUnusableKeyTests
{
    private const string ChainId = "test-chain";
    private static readonly byte[] OffCurve = [0x04, .. new byte[64]];

    [Test]
    public void Observe_AnExecutedAddNodeWithAnUnusableKey_LeavesTheNodeOutAndReportsIt()
    {
        var state = new ConsortiumState(Genesis());
        var addNode = new ProposeChange { AddNode = new AddNode { NodeId = "node-bad", Address = "https://x:1", Key = new MemberPublicKey { Suite = "p256-sha256", PublicKey = ByteString.CopyFrom(OffCurve) } } };
        var removeNode = new ProposeChange { RemoveNode = new RemoveNode { NodeId = "node-bad" } };

        Assert.That(() => state.Observe(5, 0, Proposal(addNode, 1), new byte[32], Executed()), Throws.Nothing);
        Assert.That(() => state.Observe(6, 0, Proposal(removeNode, 2), Hash(2), Executed()), Throws.Nothing);

        Assert.Multiple(() =>
        {
            Assert.That(state.ActiveNodes.Keys, Is.EqualTo(new[] { "node-1" }));
            Assert.That(state.UnusableKeys, Is.EqualTo(new[] { new UnusableKey("node-bad", 5) }));
        });
    }

    [Test]
    public void Observe_AnExecutedAddMemberWithAnEd25519KeyOnAP256Chain_ReportsNoThrowWhenTheKeyIsUnusable()
    {
        var state = new ConsortiumState(Genesis());
        var addMember = new ProposeChange
        {
            AddMember = new AddMember
            {
                MemberId = "newcomer",
                Role = MemberRole.Platform,
                Keys = { new MemberPublicKey { Suite = "no-such-suite", PublicKey = ByteString.CopyFrom(new byte[32]) }, new MemberPublicKey { Suite = "ed25519", PublicKey = ByteString.CopyFrom([0x01, .. new byte[31]]) } },
            },
        };

        Assert.That(() => state.Observe(3, 1, Proposal(addMember, 1), Hash(1), Executed()), Throws.Nothing);

        Assert.That(state.UnusableKeys, Is.EqualTo(new[] { new UnusableKey("newcomer", 3), new UnusableKey("newcomer", 3) }));
        Assert.That(state.RoleOf("newcomer"), Is.EqualTo("platform"));
    }

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
            Members = [new GenesisMember { Id = "admin-1", Role = "admin", Keys = [new GenesisKey { Suite = "p256-sha256", PublicKey = admin.Public.ToArray() }] }],
            Nodes = [new GenesisNode { Id = "node-1", Address = "https://n:1", Key = new GenesisKey { Suite = "p256-sha256", PublicKey = node.Public.ToArray() } }],
        };
    }
}
