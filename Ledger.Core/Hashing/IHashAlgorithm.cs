namespace Ledger.Core.Hashing;

/// <summary>
/// A one-shot cryptographic hash with a fixed output size. Each crypto suite names one; the Merkle
/// trees and block hashes of a chain follow the suite's hash. Implementations are stateless and
/// thread-safe.
/// </summary>
public interface IHashAlgorithm
{
    /// <summary>Stable name recorded in files and evidence, e.g. "sha256" or "sm3".</summary>
    string Name { get; }

    /// <summary>Output size in bytes (32 for both SHA-256 and SM3).</summary>
    int HashSizeBytes { get; }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/>, which must be exactly <see cref="HashSizeBytes"/> long.</summary>
    void Hash(ReadOnlySpan<byte> data, Span<byte> destination);
}
