namespace Ledger.Core.Checkpoints;

/// <summary>
/// Signature type identifier bytes of C2SP signed-note (c2sp.org/signed-note, "Signature types"),
/// which go into each key id: SHA-256(key name || 0x0A || type || public key)[:4].
/// </summary>
public static class NoteSignatureTypes
{
    /// <summary>0x01: plain Ed25519 over the note text (RFC 8032). Ledger nodes of an ed25519 consortium.</summary>
    public const byte Ed25519 = 0x01;

    /// <summary>0x04: timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature, cosignature/v1).</summary>
    public const byte Ed25519Cosignature = 0x04;

    /// <summary>
    /// 0x05: RFC 6962 TreeHeadSignature (c2sp.org/static-ct-api): ECDSA P-256 over the binary STH.
    /// Ledger nodes of a p256-sha256 consortium. The key id hashes the RFC 6962 LogID
    /// (SHA-256 of the DER SubjectPublicKeyInfo) instead of the raw key.
    /// </summary>
    public const byte Rfc6962TreeHead = 0x05;

    /// <summary>0xff: a type without a byte assigned by the spec, followed by a longer identifier.</summary>
    public const byte Extension = 0xff;

    /// <summary>
    /// EXPERIMENTAL, Ledger's own (no C2SP assignment exists): SM2 (GM/T 0003, SM3, default signer id)
    /// over the note text, as type 0xff followed by this identifier. Only Ledger verifies it.
    /// </summary>
    public static ReadOnlySpan<byte> Sm2Sm3Identifier => "ledger/sm2-sm3-note/v1"u8;
}
