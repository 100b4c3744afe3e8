using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// How a consortium node signs a checkpoint, per its key's suite. The key name is always the
/// checkpoint origin; nodes are told apart by key id.
/// <list type="bullet">
/// <item><c>p256-sha256</c>: type 0x05, an RFC 6962 TreeHeadSignature (<see cref="Rfc6962TreeHeadSignature"/>),
/// with the certified block's timestamp (ms) so every node signs the same tree head. Verifies with
/// transparency-dev/formats' NewRFC6962Verifier and any static-ct-api client.</item>
/// <item><c>ed25519</c>: type 0x01, Ed25519 over the note text; verifies with Go's golang.org/x/mod/sumdb/note.
/// The timestamp is not part of the signature.</item>
/// <item><c>sm2-sm3</c>: EXPERIMENTAL type 0xff + "ledger/sm2-sm3-note/v1", SM2 over the note text.
/// C2SP assigns no SM2 type, so only Ledger verifies it (other verifiers ignore it as unknown).</item>
/// </list>
/// </summary>
public static class CheckpointSignatures
{
    /// <summary>Signs <paramref name="checkpoint"/> with a node key; the line's key name is the origin.</summary>
    /// <param name="timestampUnixMs">The certified block's timestamp; used by 0x05 only.</param>
    public static NoteSignature Sign(KeyPair nodeKey, Checkpoint checkpoint, ulong timestampUnixMs)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var keyId = KeyId(nodeKey.Public, checkpoint.Origin);
        switch (nodeKey.Suite.Name)
        {
            case CryptoSuites.P256Sha256Name:
                if (checkpoint.Extensions.Count != 0)
                {
                    throw new ArgumentException("static-ct-api: a checkpoint signed with an RFC 6962 signature has no extension lines", nameof(checkpoint));
                }

                var input = Rfc6962TreeHeadSignature.SignedInput(timestampUnixMs, checkpoint.TreeSize, checkpoint.RootHash);
                var der = Rfc6962TreeHeadSignature.P1363ToDer(nodeKey.Sign(input));
                return new NoteSignature(checkpoint.Origin, keyId, Rfc6962TreeHeadSignature.Encode(timestampUnixMs, der));
            case CryptoSuites.Ed25519Name:
            case CryptoSuites.Sm2Sm3Name:
                return new NoteSignature(checkpoint.Origin, keyId, nodeKey.Sign(checkpoint.FormatUtf8()));
            default:
                throw new ArgumentException($"no checkpoint signature type for suite {nodeKey.Suite.Name}", nameof(nodeKey));
        }
    }

    /// <summary>The key id a node's signature line carries under <paramref name="origin"/>.</summary>
    public static uint KeyId(PublicKey nodeKey, string origin)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        return nodeKey.Suite.Name switch
        {
            CryptoSuites.P256Sha256Name => Rfc6962TreeHeadSignature.KeyId(origin, SubjectPublicKeyInfo(nodeKey)),
            CryptoSuites.Ed25519Name => NoteKeyId.Compute(origin, NoteSignatureTypes.Ed25519, nodeKey.Encoded),
            CryptoSuites.Sm2Sm3Name => NoteKeyId.Compute(origin, Sm2TypeAndKey(nodeKey)),
            _ => throw new ArgumentException($"no checkpoint signature type for suite {nodeKey.Suite.Name}", nameof(nodeKey)),
        };
    }

    /// <summary>
    /// True only when <paramref name="signature"/> is <paramref name="nodeKey"/>'s valid signature of
    /// <paramref name="checkpoint"/> (key name = origin, key id, bytes). Never throws on the signature.
    /// </summary>
    public static bool Verify(PublicKey nodeKey, Checkpoint checkpoint, NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signature);
        if (!string.Equals(signature.KeyName, checkpoint.Origin, StringComparison.Ordinal) || signature.KeyId != KeyId(nodeKey, checkpoint.Origin))
        {
            return false;
        }

        if (nodeKey.Suite.Name == CryptoSuites.P256Sha256Name)
        {
            return Rfc6962TreeHeadSignature.Verify((ECDsa)nodeKey.Handle, signature.KeyId, checkpoint, signature, out _);
        }

        return nodeKey.Verify(checkpoint.FormatUtf8(), signature.Signature);
    }

    private static byte[] SubjectPublicKeyInfo(PublicKey key) =>
        ((CryptoSuiteBase)key.Suite).ExportSubjectPublicKeyInfo(key);

    private static byte[] Sm2TypeAndKey(PublicKey key)
    {
        var identifier = NoteSignatureTypes.Sm2Sm3Identifier;
        var bytes = new byte[1 + identifier.Length + key.Encoded.Length];
        bytes[0] = NoteSignatureTypes.Extension;
        identifier.CopyTo(bytes.AsSpan(1));
        key.Encoded.CopyTo(bytes.AsSpan(1 + identifier.Length));
        return bytes;
    }
}
