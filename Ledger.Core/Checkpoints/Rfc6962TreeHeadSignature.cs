using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// Note signature type 0x05 (c2sp.org/static-ct-api "Checkpoints"): an RFC 6962 signed tree head
/// carried as a note signature. The signature bytes are
/// <code>
/// struct { uint64 timestamp; TreeHeadSignature signature; } RFC6962NoteSignature;
/// </code>
/// where the TreeHeadSignature is RFC 5246 DigitallySigned: hash algorithm 0x04 (SHA-256), signature
/// algorithm 0x03 (ECDSA), uint16 length, DER ECDSA-Sig-Value, over the RFC 6962 §3.5 input
/// version 0x00 || signature_type 0x01 (tree_hash) || uint64 timestamp (ms) || uint64 tree_size || root[32].
/// The key name must be the origin; the key id is SHA-256(name || 0x0A || 0x05 || LogID)[:4], where
/// LogID = SHA-256(DER SubjectPublicKeyInfo). A checkpoint signed this way has no extension lines.
/// </summary>
public static class Rfc6962TreeHeadSignature
{
    public const byte HashAlgorithmSha256 = 0x04;
    public const byte SignatureAlgorithmEcdsa = 0x03;

    private const int SignedInputBytes = 1 + 1 + 8 + 8 + NoteLimits.RootHashBytes;
    private const int HeaderBytes = 8 + 1 + 1 + 2;

    /// <summary>The RFC 6962 §3.5 TreeHeadSignature input (50 bytes) that the ECDSA signature covers.</summary>
    public static byte[] SignedInput(ulong timestampUnixMs, ulong treeSize, ReadOnlySpan<byte> rootHash)
    {
        if (rootHash.Length != NoteLimits.RootHashBytes)
        {
            throw new ArgumentException($"root hash must be {NoteLimits.RootHashBytes} bytes", nameof(rootHash));
        }

        var input = new byte[SignedInputBytes];
        input[0] = 0x00; // Version v1
        input[1] = 0x01; // SignatureType tree_hash
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(2), timestampUnixMs);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(10), treeSize);
        rootHash.CopyTo(input.AsSpan(18));
        return input;
    }

    /// <summary>Key id of a P-256 key under key name <paramref name="keyName"/> (the origin).</summary>
    public static uint KeyId(string keyName, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> logId = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, logId);
        return NoteKeyId.Compute(keyName, NoteSignatureTypes.Rfc6962TreeHead, logId);
    }

    /// <summary>Encodes timestamp || DigitallySigned from a DER ECDSA signature.</summary>
    public static byte[] Encode(ulong timestampUnixMs, ReadOnlySpan<byte> derSignature)
    {
        var encoded = new byte[HeaderBytes + derSignature.Length];
        BinaryPrimitives.WriteUInt64BigEndian(encoded, timestampUnixMs);
        encoded[8] = HashAlgorithmSha256;
        encoded[9] = SignatureAlgorithmEcdsa;
        BinaryPrimitives.WriteUInt16BigEndian(encoded.AsSpan(10), checked((ushort)derSignature.Length));
        derSignature.CopyTo(encoded.AsSpan(HeaderBytes));
        return encoded;
    }

    /// <summary>Reads timestamp and DER signature; false when the bytes are not exactly one SHA-256/ECDSA DigitallySigned.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> signature, out ulong timestampUnixMs, out byte[] derSignature)
    {
        timestampUnixMs = 0;
        derSignature = [];
        if (signature.Length <= HeaderBytes
            || signature[8] != HashAlgorithmSha256
            || signature[9] != SignatureAlgorithmEcdsa
            || BinaryPrimitives.ReadUInt16BigEndian(signature[10..]) != signature.Length - HeaderBytes)
        {
            return false;
        }

        timestampUnixMs = BinaryPrimitives.ReadUInt64BigEndian(signature);
        derSignature = signature[HeaderBytes..].ToArray();
        return true;
    }

    /// <summary>
    /// Verifies a 0x05 line against a P-256 key given as DER SubjectPublicKeyInfo (any RFC 6962 log:
    /// high-s signatures from other implementations verify too). Never throws on the signature bytes.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfo, Checkpoint checkpoint, NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signature);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return Verify(ecdsa, KeyId(checkpoint.Origin, subjectPublicKeyInfo), checkpoint, signature, out _);
    }

    internal static bool Verify(ECDsa key, uint expectedKeyId, Checkpoint checkpoint, NoteSignature signature, out ulong timestampUnixMs)
    {
        timestampUnixMs = 0;
        if (checkpoint.Extensions.Count != 0
            || signature.KeyId != expectedKeyId
            || !string.Equals(signature.KeyName, checkpoint.Origin, StringComparison.Ordinal)
            || !TryDecode(signature.Signature, out timestampUnixMs, out var der))
        {
            return false;
        }

        try
        {
            var input = SignedInput(timestampUnixMs, checkpoint.TreeSize, checkpoint.RootHash);
            return key.VerifyData(input, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>IEEE P1363 r || s (what Ledger's P-256 suite returns) to a DER ECDSA-Sig-Value.</summary>
    internal static byte[] P1363ToDer(ReadOnlySpan<byte> p1363)
    {
        var half = p1363.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(p1363[..half]));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(p1363[half..]));
        }

        return writer.Encode();
    }

    // DER integers are minimal: the writer refuses redundant leading zero bytes.
    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }
}
