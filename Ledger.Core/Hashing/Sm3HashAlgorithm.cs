using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Core.Hashing;

/// <summary>
/// SM3 (GM/T 0004-2012, GB/T 32905-2016): the chain hash of the <c>sm2-sm3</c> suite. Through the
/// system's OpenSSL 3 where it passed its self-test (<see cref="OpenSslSm3"/>), else BouncyCastle;
/// <see cref="Backend"/> says which.
/// </summary>
public sealed class Sm3HashAlgorithm : IHashAlgorithm
{
    private const int HashSize = 32;

    public static readonly Sm3HashAlgorithm Instance = new(OpenSslSm3.IsAvailable);

    /// <summary>Pinned to BouncyCastle, for cross-checks and benchmarks.</summary>
    internal static readonly Sm3HashAlgorithm BouncyCastle = new(useOpenSsl: false);

    // SM3Digest is stateful; one per thread keeps Hash() thread-safe without allocating per call.
    [ThreadStatic]
    private static SM3Digest? threadDigest;

    private readonly bool useOpenSsl;

    private Sm3HashAlgorithm(bool useOpenSsl)
    {
        this.useOpenSsl = useOpenSsl;
    }

    /// <summary>Pinned to OpenSSL (requires <see cref="OpenSslSm3.IsAvailable"/>), for cross-checks and benchmarks.</summary>
    internal static Sm3HashAlgorithm OpenSsl => OpenSslSm3.IsAvailable ? new(useOpenSsl: true) : throw new PlatformNotSupportedException("OpenSSL SM3 is not available");

    /// <summary>OpenSSL's SM3 even if it failed its self-test, so cross-check tests fail on a disagreement instead of skipping.</summary>
    internal static Sm3HashAlgorithm OpenSslUnchecked => OpenSslSm3.IsLoaded ? new(useOpenSsl: true) : throw new PlatformNotSupportedException("OpenSSL SM3 is not loaded");

    public string Name => "sm3";

    public int HashSizeBytes => HashSize;

    /// <summary>"openssl" or "bouncycastle".</summary>
    public string Backend => useOpenSsl ? Crypto.Sm2Sm3Backends.OpenSsl : Crypto.Sm2Sm3Backends.BouncyCastle;

    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != HashSize)
        {
            throw new ArgumentException($"destination must be {HashSize} bytes, was {destination.Length}", nameof(destination));
        }

        if (useOpenSsl)
        {
            OpenSslSm3.Hash(data, destination);
            return;
        }

        var digest = threadDigest ??= new SM3Digest();
        digest.Reset();
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }
}
