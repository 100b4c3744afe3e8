using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// The C2SP signed-note key id: the first four bytes, big-endian, of
/// SHA-256(key name || 0x0A || signature type || public key material). What "public key material"
/// is depends on the type: the 32-byte key for Ed25519 (0x01, 0x04), the RFC 6962 LogID for 0x05.
/// </summary>
public static class NoteKeyId
{
    public static uint Compute(string keyName, ReadOnlySpan<byte> typeAndKeyMaterial)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        var name = Encoding.UTF8.GetBytes(keyName);
        var input = new byte[name.Length + 1 + typeAndKeyMaterial.Length];
        name.CopyTo(input, 0);
        input[name.Length] = (byte)'\n';
        typeAndKeyMaterial.CopyTo(input.AsSpan(name.Length + 1));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    public static uint Compute(string keyName, byte signatureType, ReadOnlySpan<byte> keyMaterial)
    {
        var typeAndKey = new byte[1 + keyMaterial.Length];
        typeAndKey[0] = signatureType;
        keyMaterial.CopyTo(typeAndKey.AsSpan(1));
        return Compute(keyName, typeAndKey);
    }
}
