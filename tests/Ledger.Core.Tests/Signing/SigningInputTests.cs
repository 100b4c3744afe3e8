using Ledger.Core.Crypto;
using Ledger.Core.Signing;
using Ledger.Core.Tests.Crypto;

namespace Ledger.Core.Tests.Signing;

public sealed class SigningInputTests
{
    [Test]
    public void Create_TransactionContext_IsContextZeroLengthPrefixedChainIdThenPayload()
    {
        var input = SigningInput.Create(SigningContexts.TransactionSignature, "ip-court-1", [0x0a, 0x0b]);

        Assert.That(Hex.Encode(input), Is.EqualTo(
            "6c65646765722f76312f74782d7369676e6174757265" // "ledger/v1/tx-signature"
            + "00" // separator
            + "000a" + "69702d636f7572742d31" // uint16 BE 10, "ip-court-1"
            + "0a0b")); // envelope bytes verbatim
    }

    [Test]
    public void Create_NonAsciiChainId_IsLengthPrefixedInUtf8Bytes()
    {
        var input = SigningInput.Create(SigningContexts.TransactionSignature, "法院-1", []);

        Assert.That(Hex.Encode(input.AsSpan(23)), Is.EqualTo("0008" + "e6b395e999a22d31"));
    }

    [Test]
    public void Create_DifferentContexts_GiveDifferentInputs()
    {
        var transaction = SigningInput.Create(SigningContexts.TransactionSignature, "chain", [1, 2, 3]);
        var attestation = SigningInput.Create(SigningContexts.BlockAttestation, "chain", [1, 2, 3]);

        Assert.That(transaction, Is.Not.EqualTo(attestation));
    }

    [Test]
    public void Create_ChainIdBoundaryShift_GivesDifferentInputs()
    {
        // Without the length prefix "ab" + payload "c" and "a" + payload "bc" would collide.
        var first = SigningInput.Create(SigningContexts.TransactionSignature, "ab", "c"u8);
        var second = SigningInput.Create(SigningContexts.TransactionSignature, "a", "bc"u8);

        Assert.That(first, Is.Not.EqualTo(second));
    }

    [Test]
    public void TryWrite_DestinationOneByteShort_ReturnsFalse()
    {
        var length = SigningInput.GetLength(SigningContexts.TransactionSignature, "chain", 5);
        var destination = new byte[length - 1];

        var written = SigningInput.TryWrite(SigningContexts.TransactionSignature, "chain", new byte[5], destination, out var bytesWritten);

        Assert.That(written, Is.False);
        Assert.That(bytesWritten, Is.Zero);
    }

    [Test]
    public void TryWrite_ExactDestination_WritesSameBytesAsCreate()
    {
        var expected = SigningInput.Create(SigningContexts.TransactionSignature, "chain", [9, 8, 7]);
        var destination = new byte[expected.Length];

        var written = SigningInput.TryWrite(SigningContexts.TransactionSignature, "chain", [9, 8, 7], destination, out var bytesWritten);

        Assert.That(written, Is.True);
        Assert.That(bytesWritten, Is.EqualTo(expected.Length));
        Assert.That(destination, Is.EqualTo(expected));
    }

    [Test]
    public void Create_EmptyChainId_ThrowsInvalidChainId()
    {
        Assert.That(() => SigningInput.Create(SigningContexts.TransactionSignature, string.Empty, []), Throws.TypeOf<InvalidChainIdException>());
    }

    [Test]
    public void Create_ChainIdOverMaximum_ThrowsInvalidChainId()
    {
        var tooLong = new string('c', ChainIdRules.Utf8BytesMax + 1);

        Assert.That(() => SigningInput.Create(SigningContexts.TransactionSignature, tooLong, []), Throws.TypeOf<InvalidChainIdException>());
    }

    [Test]
    public void Create_ChainIdAtMaximum_IsAccepted()
    {
        var atMaximum = new string('c', ChainIdRules.Utf8BytesMax);

        Assert.That(() => SigningInput.Create(SigningContexts.TransactionSignature, atMaximum, []), Throws.Nothing);
    }

    [Test]
    public void Create_ChainIdWithLoneSurrogate_ThrowsInvalidChainId()
    {
        // Lenient UTF-8 would turn both into U+FFFD and make them sign identically.
        Assert.That(() => SigningInput.Create(SigningContexts.TransactionSignature, "chain\ud800", []), Throws.TypeOf<InvalidChainIdException>());
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("nul\0inside")]
    public void Create_InvalidContext_ThrowsArgument(string context)
    {
        Assert.That(() => SigningInput.Create(System.Text.Encoding.ASCII.GetBytes(context), "chain", []), Throws.ArgumentException);
    }

    [Test]
    public void Verify_LargePayload_UsesSameInputAsSign()
    {
        var keyPair = CryptoSuites.Ed25519.GenerateKeyPair();
        var payload = new byte[100_000];
        payload[^1] = 1;

        var signature = SigningInput.Sign(keyPair, SigningContexts.BlockAttestation, "chain", payload);

        Assert.That(SigningInput.Verify(keyPair.Public, SigningContexts.BlockAttestation, "chain", payload, signature), Is.True);
        Assert.That(SigningInput.Verify(keyPair.Public, SigningContexts.TransactionSignature, "chain", payload, signature), Is.False);
        Assert.That(SigningInput.Verify(keyPair.Public, SigningContexts.BlockAttestation, "chain2", payload, signature), Is.False);
    }
}
