using System.Security.Cryptography;

namespace Ledger.Core.Hashing;

/// <summary>SHA-256 (FIPS 180-4) through the platform's implementation (small inputs through <see cref="OpenSslSha256"/> where it passed its self-test).</summary>
public sealed class Sha256HashAlgorithm : IHashAlgorithm
{
    public static readonly Sha256HashAlgorithm Instance = new();

    private Sha256HashAlgorithm()
    {
    }

    public string Name => "sha256";

    public int HashSizeBytes => SHA256.HashSizeInBytes;

    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"destination must be {SHA256.HashSizeInBytes} bytes, was {destination.Length}", nameof(destination));
        }

        if (data.Length <= OpenSslSha256.InputBytesMax && OpenSslSha256.IsAvailable)
        {
            OpenSslSha256.Hash(data, destination);
            return;
        }

        SHA256.HashData(data, destination);
    }
}
