using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Ledger.Core.Crypto;

/// <summary>
/// Parsed SM2 public keys by their encoding. The registry, the door and the pre-verifier decode the
/// signer's key for every transaction; parsing an SM2 point (curve check, an OpenSSL EVP_PKEY) is
/// a noticeable share of one verification, and a consortium has few keys. Bounded: when
/// <see cref="EntriesMax"/> is reached the cache is emptied and refills with the keys in use, so
/// a flood of distinct keys costs re-parsing, never memory. Only valid keys are cached.
/// </summary>
internal sealed class Sm2PublicKeyCache
{
    /// <summary>Far above any consortium's member and node keys; a full cache holds about 1 MB of native keys.</summary>
    public const int EntriesMax = 4096;

    private readonly ConcurrentDictionary<byte[], object> entries = new(EncodingComparer.Instance);
    private readonly ConcurrentDictionary<byte[], object>.AlternateLookup<ReadOnlySpan<byte>> lookup;

    public Sm2PublicKeyCache()
    {
        lookup = entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => entries.Count;

    public bool TryGet(ReadOnlySpan<byte> encodedPublicKey, [NotNullWhen(true)] out object? handle) => lookup.TryGetValue(encodedPublicKey, out handle);

    public void Add(ReadOnlySpan<byte> encodedPublicKey, object handle)
    {
        if (entries.Count >= EntriesMax)
        {
            entries.Clear();
        }

        entries.TryAdd(encodedPublicKey.ToArray(), handle);
    }

    private sealed class EncodingComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly EncodingComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
