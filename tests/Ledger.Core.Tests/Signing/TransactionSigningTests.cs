using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Tests.Signing;

[TestFixtureSource(nameof(Suites))]
public sealed class TransactionSigningTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    private const string ChainId = "ip-consortium-test";

    private readonly ICryptoSuite suite;
    private KeyPair signer = null!;

    public TransactionSigningTests(ICryptoSuite suite)
    {
        this.suite = suite;
    }

    [OneTimeSetUp]
    public void CreateSigner()
    {
        signer = suite.GenerateKeyPair();
    }

    [Test]
    public void Sign_ThenVerify_IsAccepted()
    {
        var transaction = TransactionSigning.Sign(signer, Envelope().ToByteArray(), ChainId);

        Assert.That(TransactionSigning.Verify(signer.Public, transaction, ChainId), Is.True);
    }

    [Test]
    public void Sign_CarriesEnvelopeBytesVerbatim()
    {
        var envelopeBytes = Envelope().ToByteArray();

        var transaction = TransactionSigning.Sign(signer, envelopeBytes, ChainId);

        Assert.That(transaction.Envelope.ToByteArray(), Is.EqualTo(envelopeBytes));
    }

    [Test]
    public void Signature_CoversTheDocumentedSigningInput()
    {
        var envelopeBytes = Envelope().ToByteArray();
        var transaction = TransactionSigning.Sign(signer, envelopeBytes, ChainId);

        var input = SigningInput.Create("ledger/v1/tx-signature"u8, ChainId, envelopeBytes);

        Assert.That(signer.Public.Verify(input, transaction.Signature.Span), Is.True);
    }

    [Test]
    public void Verify_OtherChainId_IsRejected()
    {
        var transaction = TransactionSigning.Sign(signer, Envelope().ToByteArray(), ChainId);

        Assert.That(TransactionSigning.Verify(signer.Public, transaction, ChainId + "-fork"), Is.False);
    }

    [Test]
    public void Verify_AnyEnvelopeByteChanged_IsRejected()
    {
        var transaction = TransactionSigning.Sign(signer, Envelope().ToByteArray(), ChainId);
        var envelope = transaction.Envelope.ToByteArray();

        for (var index = 0; index < envelope.Length; index += 7)
        {
            var tampered = (byte[])envelope.Clone();
            tampered[index] ^= 0x01;

            Assert.That(TransactionSigning.Verify(signer.Public, tampered, transaction.Signature.Span, ChainId), Is.False, $"byte {index}");
        }
    }

    [Test]
    public void Verify_AttestationSignatureOverSameBytes_IsRejected()
    {
        var envelopeBytes = Envelope().ToByteArray();
        var crossDomain = SigningInput.Sign(signer, SigningContexts.BlockAttestation, ChainId, envelopeBytes);

        Assert.That(TransactionSigning.Verify(signer.Public, envelopeBytes, crossDomain, ChainId), Is.False);
    }

    [Test]
    public void Verify_EnvelopeWithUnknownField_StillVerifiesItsOwnBytes()
    {
        // Verification never re-serializes: bytes a newer client wrote (unknown field 99) stay signed as sent.
        var envelopeBytes = (byte[])[.. Envelope().ToByteArray(), .. new byte[] { 0x9a, 0x06, 0x01, 0x7a }];
        var transaction = TransactionSigning.Sign(signer, envelopeBytes, ChainId);
        var reparsed = SignedTransaction.Parser.ParseFrom(transaction.ToByteArray());

        Assert.That(TransactionSigning.Verify(signer.Public, reparsed, ChainId), Is.True);
    }

    [Test]
    public void Sign_EnvelopeForOtherChain_ThrowsChainIdMismatch()
    {
        var envelope = Envelope();
        envelope.ChainId = "another-chain";

        var exception = Assert.Throws<EnvelopeBindingException>(() => TransactionSigning.Sign(signer, envelope.ToByteArray(), ChainId));

        Assert.That(exception.Error, Is.EqualTo(EnvelopeBindingError.ChainIdMismatch));
    }

    [Test]
    public void Sign_EnvelopeNamingOtherKey_ThrowsSignerKeyIdMismatch()
    {
        var envelope = Envelope();
        envelope.SignerKeyId = ByteString.CopyFrom(new byte[32]);

        var exception = Assert.Throws<EnvelopeBindingException>(() => TransactionSigning.Sign(signer, envelope.ToByteArray(), ChainId));

        Assert.That(exception.Error, Is.EqualTo(EnvelopeBindingError.SignerKeyIdMismatch));
    }

    [Test]
    public void Sign_EnvelopeNamingOtherSuite_ThrowsSuiteMismatch()
    {
        var envelope = Envelope();
        envelope.Suite = suite == CryptoSuites.Ed25519 ? CryptoSuites.Sm2Sm3Name : CryptoSuites.Ed25519Name;

        var exception = Assert.Throws<EnvelopeBindingException>(() => TransactionSigning.Sign(signer, envelope.ToByteArray(), ChainId));

        Assert.That(exception.Error, Is.EqualTo(EnvelopeBindingError.SuiteMismatch));
    }

    [Test]
    public void Sign_BytesThatAreNotAnEnvelope_ThrowsEnvelopeBinding()
    {
        Assert.That(() => TransactionSigning.Sign(signer, [0xff, 0xff, 0xff], ChainId), Throws.TypeOf<EnvelopeBindingException>().With.Property("Error").EqualTo(EnvelopeBindingError.NotAnEnvelope));
    }

    [Test]
    public void SignEnvelopeMessage_UsesEnvelopeChainId()
    {
        var transaction = TransactionSigning.Sign(signer, Envelope());

        Assert.That(TransactionSigning.Verify(signer.Public, transaction, ChainId), Is.True);
    }

    [Test]
    public void Verify_NullArguments_ThrowArgumentNull()
    {
        var transaction = TransactionSigning.Sign(signer, Envelope());

        Assert.That(() => TransactionSigning.Verify(null!, transaction, ChainId), Throws.ArgumentNullException);
        Assert.That(() => TransactionSigning.Verify(signer.Public, null!, ChainId), Throws.ArgumentNullException);
        Assert.That(() => TransactionSigning.Verify(signer.Public, transaction, null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Verify_GarbageSignature_IsRejectedWithoutThrowing()
    {
        var transaction = new SignedTransaction
        {
            Envelope = Envelope().ToByteString(),
            Signature = ByteString.CopyFrom(new byte[] { 1, 2, 3 }),
        };

        Assert.That(TransactionSigning.Verify(signer.Public, transaction, ChainId), Is.False);
    }

    [Test]
    public void CheckBinding_MatchingEnvelope_IsNone()
    {
        Assert.That(TransactionSigning.CheckBinding(Envelope(), signer.Public, ChainId), Is.EqualTo(EnvelopeBindingError.None));
    }

    private TransactionEnvelope Envelope() => new()
    {
        ChainId = ChainId,
        Nonce = 42,
        Type = TransactionType.Anchor,
        Body = ByteString.CopyFromUtf8("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
        Suite = suite.Name,
        CreatedUnixMs = 1_764_000_000_000,
    };
}
