using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Core.Hashing;

/// <summary>
/// SM3 (GM/T 0004-2012, GB/T 32905-2016) through BouncyCastle. The chain hash of the <c>sm2-sm3</c> suite.
/// </summary>
public sealed class Sm3HashAlgorithm : IHashAlgorithm
{
    private const int HashSize = 32;

    public static readonly Sm3HashAlgorithm Instance = new();

    // SM3Digest is stateful; one per thread keeps Hash() thread-safe without allocating per call.
    [ThreadStatic]
    private static SM3Digest? threadDigest;

    private Sm3HashAlgorithm()
    {
    }

    public string Name => "sm3";

    public int HashSizeBytes => HashSize;

    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != HashSize)
        {
            throw new ArgumentException($"destination must be {HashSize} bytes, was {destination.Length}", nameof(destination));
        }

        var digest = threadDigest ??= new SM3Digest();
        digest.Reset();
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }
}
