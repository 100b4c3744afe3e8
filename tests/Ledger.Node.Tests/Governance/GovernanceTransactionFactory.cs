using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Node.Tests.Governance;

/// <summary>Builds signed governance and registration transactions for the end-to-end governance tests.</summary>
public sealed class GovernanceTransactionFactory(string chainId)
{
    // Above the nonces TestConsortium hands out, so the same admin key never repeats one.
    private long nextNonce = 1_000_000;

    public static MemberPublicKey PublicKeyOf(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = ByteString.CopyFrom(key.Public.ToArray()) };

    public SignedTransaction AddMember(KeyPair admin, string memberId, MemberRole role, KeyPair memberKey) =>
        Propose(admin, new ProposeChange { AddMember = new AddMember { MemberId = memberId, DisplayName = memberId, Role = role, Keys = { PublicKeyOf(memberKey) } } });

    public SignedTransaction AddNode(KeyPair admin, string nodeId, string address, KeyPair nodeKey) =>
        Propose(admin, new ProposeChange { AddNode = new AddNode { NodeId = nodeId, Address = address, Key = PublicKeyOf(nodeKey) } });

    public SignedTransaction RemoveNode(KeyPair admin, string nodeId) =>
        Propose(admin, new ProposeChange { RemoveNode = new RemoveNode { NodeId = nodeId } });

    public SignedTransaction RotateKey(KeyPair admin, string memberId, KeyPair oldKey, KeyPair newKey) =>
        Propose(admin, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = memberId, OldKeyId = ByteString.CopyFrom(oldKey.KeyId.Bytes), NewKey = PublicKeyOf(newKey) } });

    public SignedTransaction Vote(KeyPair admin, ByteString proposalId) =>
        Sign(admin, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

    /// <summary>A RegisterWork of random content held by <paramref name="holderMemberId"/>, signed by <paramref name="signer"/>.</summary>
    public SignedTransaction RegisterOwnWork(KeyPair signer, string holderMemberId) =>
        Sign(signer, TransactionType.RegisterWork, new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            MediaType = MediaType.Image,
            Title = "governance test work",
            RightsHolder = new RightsHolder { MemberId = holderMemberId },
        });

    public SignedTransaction Propose(KeyPair admin, ProposeChange change) => Sign(admin, TransactionType.ProposeChange, change);

    private SignedTransaction Sign(KeyPair signer, TransactionType type, IMessage body)
    {
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId,
            Nonce = (ulong)Interlocked.Increment(ref nextNonce),
            Type = type,
            Body = body.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, envelope.ChainId, envelopeBytes);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
    }
}
