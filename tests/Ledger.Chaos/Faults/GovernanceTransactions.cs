using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Chaos.Faults;

/// <summary>
/// Signed RemoveNode / AddNode proposals of the consortium's only admin (one admin: a proposal passes
/// alone). Same shape as the governance tests' factory.
/// </summary>
public sealed class GovernanceTransactions(string chainId, KeyPair admin)
{
    // Far above any nonce the test consortium hands out for the admin key.
    private long nextNonce = 3_000_000_000;

    public SignedTransaction RemoveNode(string nodeId) =>
        Propose(new ProposeChange { RemoveNode = new RemoveNode { NodeId = nodeId } });

    public SignedTransaction AddNode(string nodeId, string address, KeyPair nodeKey) =>
        Propose(new ProposeChange
        {
            AddNode = new AddNode
            {
                NodeId = nodeId,
                Address = address,
                Key = new MemberPublicKey { Suite = nodeKey.Suite.Name, PublicKey = ByteString.CopyFrom(nodeKey.Public.ToArray()) },
            },
        });

    private SignedTransaction Propose(ProposeChange change)
    {
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId,
            Nonce = (ulong)Interlocked.Increment(ref nextNonce),
            Type = TransactionType.ProposeChange,
            Body = change.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(admin.KeyId.Bytes),
            Suite = admin.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(admin, SigningContexts.TransactionSignature, envelope.ChainId, envelopeBytes);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
    }
}
