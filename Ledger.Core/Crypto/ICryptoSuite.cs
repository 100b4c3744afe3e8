using System.Diagnostics.CodeAnalysis;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;

namespace Ledger.Core.Crypto;

/// <summary>
/// One signature scheme plus the hash a chain using it commits with. Obtain instances from
/// <see cref="CryptoSuites"/>; every member is thread-safe.
/// </summary>
/// <remarks>
/// Sizes are fixed per suite: private keys are 32 raw bytes (P-256/SM2 big-endian scalar, Ed25519 seed),
/// signatures are 64 bytes, public keys are <see cref="PublicKeySizeBytes"/> bytes in the suite's
/// canonical encoding. A key id is <see cref="Hash"/> over the encoded public key.
/// </remarks>
public interface ICryptoSuite
{
    /// <summary>Stable name recorded in genesis files, envelopes and key files: "p256-sha256", "ed25519" or "sm2-sm3".</summary>
    string Name { get; }

    /// <summary>The hash a chain using this suite commits with (block hashes, Merkle trees, key ids, transaction hashes).</summary>
    IHashAlgorithm Hash { get; }

    int PublicKeySizeBytes { get; }

    int PrivateKeySizeBytes { get; }

    int SignatureSizeBytes { get; }

    /// <summary>New key pair from the operating system's CSPRNG (the one sanctioned randomness source: key generation is never part of the replicated state machine).</summary>
    KeyPair GenerateKeyPair();

    /// <summary>Key pair from raw private key bytes (<see cref="PrivateKeySizeBytes"/> long); throws <see cref="InvalidKeyException"/>.</summary>
    KeyPair ImportPrivateKey(ReadOnlySpan<byte> privateKey);

    /// <summary>Parses and validates an encoded public key once; keep the result and reuse it for every verification. Throws <see cref="InvalidKeyException"/>.</summary>
    PublicKey DecodePublicKey(ReadOnlySpan<byte> encodedPublicKey);

    /// <summary>Like <see cref="DecodePublicKey"/> but returns false instead of throwing on invalid input.</summary>
    bool TryDecodePublicKey(ReadOnlySpan<byte> encodedPublicKey, [NotNullWhen(true)] out PublicKey? publicKey);

    /// <summary>Key id of an encoded public key: <see cref="Hash"/>(encodedPublicKey). Does not validate the key.</summary>
    KeyId DeriveKeyId(ReadOnlySpan<byte> encodedPublicKey);

    /// <summary>Signs <paramref name="message"/> (the full signing input; the suite hashes it itself) and returns a <see cref="SignatureSizeBytes"/>-byte signature.</summary>
    byte[] Sign(PrivateKey privateKey, ReadOnlySpan<byte> message);

    /// <summary>
    /// True only for a valid signature by <paramref name="publicKey"/> over <paramref name="message"/>.
    /// Never throws on malformed signatures or keys of another suite (returns false); throws only
    /// <see cref="ArgumentNullException"/> for a null key.
    /// </summary>
    bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}
