using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Applying;
using Ledger.Registry.Signatures;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Envelope;

/// <summary>
/// Every node checks every signature at apply: a transaction that reached the log without a valid
/// signature (a faulty door, a hostile leader) is recorded as rejected and changes nothing, and a
/// verdict computed ahead of apply gives exactly the outcome of checking inline.
/// </summary>
public sealed class SignatureRuleTests
{
    private static readonly KeyPair AliceKey = CryptoSuites.P256Sha256.ImportPrivateKey(Enumerable.Repeat((byte)0x11, 32).ToArray());
    private static readonly KeyPair StrangerKey = CryptoSuites.P256Sha256.ImportPrivateKey(Enumerable.Repeat((byte)0x22, 32).ToArray());

    [Test]
    public void ApplyBlock_SignedTransactionWithoutVerdict_IsVerifiedInlineAndAccepted()
    {
        var chain = ChainWhereAliceHasARealKey();

        var outcome = chain.ApplyBlock(Signed(chain, nonce: 1)).Outcomes[0];

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(chain.Applier.InlineSignatureChecks, Is.EqualTo(1));
    }

    [Test]
    public void ApplyBlock_UnsignedTransaction_IsRejected_BadSignature_AndItsNonceStaysFree()
    {
        var chain = ChainWhereAliceHasARealKey();
        var forged = Signed(chain, nonce: 1);
        var unsigned = new RegistryTransaction(forged.TxHash, forged.Envelope, new SignedTransaction { Envelope = forged.Signed!.Envelope });

        var rejected = chain.ApplyBlock(unsigned).Outcomes[0];
        var genuineWithSameNonce = chain.ApplyBlock(Signed(chain, nonce: 1, seed: "genuine")).Outcomes[0];

        Assert.That(rejected.Reason, Is.EqualTo(RejectionReason.BadSignature), rejected.ToString());
        Assert.That(genuineWithSameNonce.IsOk, Is.True, genuineWithSameNonce.ToString());
    }

    [TestCase("stranger-key")]
    [TestCase("other-chain")]
    [TestCase("flipped-bit")]
    [TestCase("other-envelope")]
    public void ApplyBlock_SignatureThatDoesNotVerify_IsRejected_BadSignature(string forgery)
    {
        var chain = ChainWhereAliceHasARealKey();
        var genuine = Signed(chain, nonce: 1);
        var forged = Forge(chain, genuine, forgery);
        var twinWithEmptyBlock = ChainWhereAliceHasARealKey();

        var application = chain.ApplyBlock(forged);
        var emptyBlock = twinWithEmptyBlock.ApplyBlock();

        Assert.That(application.Outcomes[0].Reason, Is.EqualTo(RejectionReason.BadSignature), application.Outcomes[0].ToString());
        Assert.That(application.StateRoot, Is.EqualTo(emptyBlock.StateRoot), "no nonce consumed, no work: the state is what an empty block leaves");
    }

    [Test]
    public void ApplyBlock_PrecomputedVerdicts_GiveTheSameOutcomesAndStateRootAsInlineChecks()
    {
        var inline = ChainWhereAliceHasARealKey();
        var precomputed = ChainWhereAliceHasARealKey();
        string[] forgeries = ["none", "stranger-key", "flipped-bit", "none", "other-chain", "other-envelope", "none"];
        var transactions = forgeries.Select((forgery, i) => Forge(inline, Signed(inline, nonce: (ulong)i + 1, seed: $"work-{i}"), forgery)).ToArray();

        var inlineBlock = inline.ApplyBlock(transactions);
        var precomputedBlock = precomputed.ApplyBlock(transactions.Select(WithVerdictComputedAhead).ToArray());

        Assert.That(precomputedBlock.Outcomes.Select(o => o.ToString()), Is.EqualTo(inlineBlock.Outcomes.Select(o => o.ToString())));
        Assert.That(precomputedBlock.StateRoot, Is.EqualTo(inlineBlock.StateRoot));
        Assert.That(inlineBlock.Outcomes.Count(o => o.IsOk), Is.EqualTo(3));
        Assert.That(precomputed.Applier.InlineSignatureChecks, Is.Zero, "every verdict was usable");
    }

    [Test]
    public void ApplyBlock_VerdictForAnotherPublicKey_IsIgnoredAndTheSignatureCheckedInline_BadSignature()
    {
        var chain = ChainWhereAliceHasARealKey();
        var forged = Forge(chain, Signed(chain, nonce: 1), "stranger-key");
        // A verdict "valid" for the stranger's key says nothing about Alice's key.
        var claimed = new RegistryTransaction(forged.TxHash, forged.Envelope, forged.Signed, new SignatureVerdict(ChainId, StrangerKey.Public.ToArray(), isValid: true));

        var outcome = chain.ApplyBlock(claimed).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.BadSignature));
        Assert.That(chain.Applier.InlineSignatureChecks, Is.EqualTo(1));
    }

    [Test]
    public void ApplyBlock_NotDecodableTransaction_IsRecordedAsRejected_MalformedTransaction_WithoutTouchingState()
    {
        var chain = ChainWhereAliceHasARealKey();
        var undecodable = RegistryTransaction.NotDecodable(SHA256.HashData([0xFF, 0x01]), RejectionReason.MalformedTransaction, "the transaction bytes do not parse (2 bytes)");

        var application = chain.ApplyBlock(undecodable, Signed(chain, nonce: 1));

        Assert.That(application.Outcomes[0].Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(application.Outcomes[1].IsOk, Is.True, "the next transaction of the block is applied as usual");
    }

    [Test]
    public void ApplyBlock_NotCanonicalTransaction_IsRecordedAsRejected_NonCanonicalEncoding()
    {
        var chain = ChainWhereAliceHasARealKey();
        var notCanonical = RegistryTransaction.NotDecodable(SHA256.HashData([0x0A, 0x00]), RejectionReason.NonCanonicalEncoding, "the transaction bytes are not its canonical encoding");

        var outcome = chain.ApplyBlock(notCanonical).Outcomes[0];

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.NonCanonicalEncoding));
    }

    private static TestChain ChainWhereAliceHasARealKey()
    {
        var defaults = DefaultGenesis();
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = defaults.FormatVersion,
            ChainId = defaults.ChainId,
            Suite = defaults.Suite,
            ApprovalThreshold = defaults.ApprovalThreshold,
            ProposalExpiryBlocks = defaults.ProposalExpiryBlocks,
            Members = [.. defaults.Members.Select(m => m.Id == Alice
                ? new GenesisMember { Id = m.Id, Name = m.Name, Role = m.Role, Keys = [new GenesisKey { Suite = defaults.Suite, PublicKey = AliceKey.Public.ToArray() }] }
                : m)],
            Nodes = defaults.Nodes,
        };
        return new TestChain(genesis);
    }

    /// <summary>A RegisterWork by Alice, really signed, carrying no verdict: the rules must check it.</summary>
    private static RegistryTransaction Signed(TestChain chain, ulong nonce, string seed = "photo")
    {
        var template = chain.Tx(Alice, TransactionType.RegisterWork, Sample.Work(seed, Sample.Member(Alice)), nonce: nonce);
        var signed = TransactionSigning.Sign(AliceKey, template.Envelope);
        return new RegistryTransaction(TransactionHashing.ComputeHash(chain.Options.Hash, signed), template.Envelope, signed);
    }

    private static RegistryTransaction Forge(TestChain chain, RegistryTransaction genuine, string forgery)
    {
        var envelope = genuine.Signed!.Envelope;
        var signature = forgery switch
        {
            "none" => genuine.Signed.Signature.ToByteArray(),
            "stranger-key" => SigningInput.Sign(StrangerKey, SigningContexts.TransactionSignature, ChainId, envelope.Span),
            "other-chain" => SigningInput.Sign(AliceKey, SigningContexts.TransactionSignature, "other-chain", envelope.Span),
            "flipped-bit" => FlipLastBit(genuine.Signed.Signature.ToByteArray()),
            "other-envelope" => SigningInput.Sign(AliceKey, SigningContexts.TransactionSignature, ChainId, [.. envelope.Span, 0x00]),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery), forgery, null),
        };
        var signed = new SignedTransaction { Envelope = envelope, Signature = ByteString.CopyFrom(signature) };
        return new RegistryTransaction(TransactionHashing.ComputeHash(chain.Options.Hash, signed), genuine.Envelope, signed);
    }

    /// <summary>What a node's pre-verifier does: check the signature under the signer key's public key, ahead of apply.</summary>
    private static RegistryTransaction WithVerdictComputedAhead(RegistryTransaction transaction)
    {
        var publicKey = AliceKey.Public;
        var valid = TransactionSigning.Verify(publicKey, transaction.Signed!, ChainId);
        return new RegistryTransaction(transaction.TxHash, transaction.Envelope, transaction.Signed, new SignatureVerdict(ChainId, publicKey.ToArray(), valid));
    }

    private static byte[] FlipLastBit(byte[] signature)
    {
        signature[^1] ^= 0x01;
        return signature;
    }
}
