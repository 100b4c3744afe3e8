namespace Ledger.Core.Crypto;

/// <summary>
/// One implementation of the SM2 primitives the <c>sm2-sm3</c> suite needs, always with SM3 and
/// the GM/T 0009 default user id (<see cref="Sm2Sm3Suite.DefaultUserId"/>). The suite does the
/// argument checking and the signature range rule; a backend only computes. Both backends must
/// make the same accept/reject decision for every input (Sm2BackendCrossCheckTests).
/// </summary>
internal abstract class Sm2Backend
{
    /// <summary>Stable name for logs and benchmark reports, "openssl" or "bouncycastle".</summary>
    public abstract string Name { get; }

    /// <summary>Parses a 65-byte 0x04 || X || Y point; throws <see cref="InvalidKeyException"/> unless it is a point of sm2p256v1 other than infinity.</summary>
    public abstract object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey);

    /// <summary>A signing handle for scalar d (already checked to be in [1, n-2]) whose public point is <paramref name="encodedPublicKey"/>.</summary>
    public abstract object CreatePrivateKey(ReadOnlySpan<byte> privateScalar, ReadOnlySpan<byte> encodedPublicKey);

    /// <summary>Signs with a fresh random k and writes r || s (64 bytes).</summary>
    public abstract void Sign(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature);

    /// <summary>Verifies r || s, whose values the suite has already checked to be in [1, n-1].</summary>
    public abstract bool Verify(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}
