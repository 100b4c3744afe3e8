using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// GM/T 0003.5-2012 (GB/T 32918.5-2017) Appendix A: the signature example on the recommended curve
/// sm2p256v1 with user id "1234567812345678" and message "message digest". (The examples in GM/T
/// 0003.2 itself use a different test curve and cannot be checked against this suite.)
/// </summary>
public sealed class Sm2VectorTests
{
    private const string PrivateKeyHex = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
    private const string PublicKeyHex =
        "04"
        + "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
        + "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";

    private const string SignatureHex =
        "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
        + "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";

    private static ReadOnlySpan<byte> Message => "message digest"u8;

    [Test]
    public void ImportPrivateKey_PublishedScalar_DerivesPublishedPublicKey()
    {
        var keyPair = CryptoSuites.Sm2Sm3.ImportPrivateKey(Hex.Decode(PrivateKeyHex));

        Assert.That(Hex.Encode(keyPair.Public.Encoded), Is.EqualTo(PublicKeyHex));
    }

    [Test]
    public void Verify_PublishedSignature_IsAccepted()
    {
        var publicKey = CryptoSuites.Sm2Sm3.DecodePublicKey(Hex.Decode(PublicKeyHex));

        Assert.That(CryptoSuites.Sm2Sm3.Verify(publicKey, Message, Hex.Decode(SignatureHex)), Is.True);
    }

    [Test]
    public void Verify_PublishedSignatureOverOtherMessage_IsRejected()
    {
        var publicKey = CryptoSuites.Sm2Sm3.DecodePublicKey(Hex.Decode(PublicKeyHex));

        Assert.That(CryptoSuites.Sm2Sm3.Verify(publicKey, "message digesT"u8, Hex.Decode(SignatureHex)), Is.False);
    }

    [Test]
    public void SignThenVerify_PublishedKey_RoundTrips()
    {
        var keyPair = CryptoSuites.Sm2Sm3.ImportPrivateKey(Hex.Decode(PrivateKeyHex));

        var signature = keyPair.Sign(Message);

        Assert.That(keyPair.Public.Verify(Message, signature), Is.True);
    }

    [Test]
    public void ImportPrivateKey_ScalarNMinusOne_IsRejected()
    {
        // SM2 signing inverts 1 + d, so d = n - 1 is not a usable key.
        var nMinusOne = Hex.Decode("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122");

        Assert.That(() => CryptoSuites.Sm2Sm3.ImportPrivateKey(nMinusOne), Throws.TypeOf<InvalidKeyException>());
    }
}
