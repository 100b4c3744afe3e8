using System.Formats.Cbor;
using System.Security.Cryptography.Cose;
using Ledger.Core.Keys;

namespace Ledger.Core.Receipts;

/// <summary>
/// COSE_Sign1 (RFC 9052 §4.2) signed with SM2, which .NET's <see cref="CoseSigner"/> cannot do (it
/// signs with ECDsa, RSA or ML-DSA keys only). Signing and verifying are the RFC's: the signature is
/// over Sig_structure = ["Signature1", protected, external_aad = h'', payload], here with the
/// payload detached. Reading the message is left to .NET's <see cref="CoseMessage.DecodeSign1"/>.
/// </summary>
internal static class Sm2CoseSign1
{
    private const string Context = "Signature1";
    private const int Sign1Tag = 18;

    /// <summary>Tagged COSE_Sign1 with a nil payload; <paramref name="protectedHeader"/> and <paramref name="unprotectedHeader"/> are encoded CBOR maps.</summary>
    public static byte[] SignDetached(KeyPair issuer, byte[] protectedHeader, byte[] unprotectedHeader, ReadOnlySpan<byte> detachedPayload)
    {
        var signature = issuer.Sign(ToBeSigned(protectedHeader, detachedPayload));
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteTag((CborTag)Sign1Tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteEncodedValue(unprotectedHeader);
        writer.WriteNull();
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>True when the message's signature is <paramref name="issuer"/>'s SM2 signature over its Sig_structure with <paramref name="detachedPayload"/>.</summary>
    public static bool VerifyDetached(CoseSign1Message message, PublicKey issuer, ReadOnlySpan<byte> detachedPayload) =>
        issuer.Verify(ToBeSigned(message.RawProtectedHeaders.Span, detachedPayload), message.Signature.Span);

    private static byte[] ToBeSigned(ReadOnlySpan<byte> protectedHeader, ReadOnlySpan<byte> payload)
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartArray(4);
        writer.WriteTextString(Context);
        writer.WriteByteString(protectedHeader);
        writer.WriteByteString([]);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return writer.Encode();
    }
}
