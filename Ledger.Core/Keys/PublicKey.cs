using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>
/// A parsed, validated public key of one suite. Parsing (point decompression, curve checks) happens
/// once in <see cref="ICryptoSuite.DecodePublicKey"/>; hold on to this object and reuse it for every
/// verification. Immutable and safe to share across threads.
/// </summary>
public sealed class PublicKey
{
    private readonly byte[] encoded;

    internal PublicKey(ICryptoSuite suite, byte[] encoded, object handle)
    {
        Suite = suite;
        this.encoded = encoded;
        Handle = handle;
        KeyId = suite.DeriveKeyId(encoded);
    }

    public ICryptoSuite Suite { get; }

    /// <summary>The suite's canonical encoding (uncompressed SEC1 point for P-256 and SM2, 32 bytes for Ed25519).</summary>
    public ReadOnlySpan<byte> Encoded => encoded;

    public KeyId KeyId { get; }

    /// <summary>Suite-specific parsed form; only the owning suite looks inside.</summary>
    internal object Handle { get; }

    public byte[] ToArray() => (byte[])encoded.Clone();

    /// <summary>Shorthand for <see cref="ICryptoSuite.Verify"/> with this key.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => Suite.Verify(this, message, signature);

    public override string ToString() => $"PublicKey({Suite.Name}, key_id={KeyId})";
}
