using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Registry.Similarity;

namespace Ledger.Registry;

/// <summary>Key id of a public key: the suite hash of its encoded bytes (see Core's KeyId).</summary>
public delegate byte[] KeyIdDerivation(string suite, ReadOnlySpan<byte> publicKey);

/// <summary>
/// What the registry needs injected. Every replica must use the same hash (it shapes the state root).
/// The perceptual-index layout does not shape the state (one state entry per image whatever it is):
/// it only shapes a node's derived similarity tables, which a node rebuilds in the background when it changes.
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>
    /// m = 3 substrings of 22/21/21 bits: buckets of ~N / 2^21 images keep a distance-4 query near
    /// 67 seeks up to hundreds of millions of images, where m = 4 (16 bits) reads 68 N / 2^16 entries
    /// (<see cref="PerceptualHashIndexLayout"/>; measured in docs/storage.md).
    /// </summary>
    public const int DefaultPerceptualHashSubstringCount = 3;

    public RegistryOptions(IHashAlgorithm hash, KeyIdDerivation? deriveKeyId = null, int perceptualHashSubstringCount = DefaultPerceptualHashSubstringCount)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Hash = hash;
        DeriveKeyId = deriveKeyId ?? ((_, publicKey) => HashOf(hash, publicKey));
        Similarity = new PerceptualHashIndex(new PerceptualHashIndexLayout(perceptualHashSubstringCount));
    }

    /// <summary>
    /// Threads the applier may use for pure per-item work inside one block (state-root element
    /// expansion, batch item checks). Results never depend on it; 1 keeps everything on the
    /// calling thread.
    /// </summary>
    public int ParallelismMax
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ParallelismMax), value, "must be at least 1");
    } = Environment.ProcessorCount;

    /// <summary>
    /// The 64-bit Raft id a node id maps to (Core's <c>RaftNodeIds.Of</c>). Only 64 bits of a hash, so a
    /// proposed node id could be chosen to collide with an active node's; such an addition is refused.
    /// Injectable so that rule can be tested without searching for a real collision.
    /// </summary>
    public Func<string, ulong> RaftIdOf { get; init; } = RaftNodeIds.Of;

    /// <summary>The consortium suite's hash: batch Merkle roots and the state root use it.</summary>
    public IHashAlgorithm Hash { get; }

    /// <summary>
    /// Placeholder until Ledger.Core's KeyId lands: by default the suite hash of the public key
    /// bytes exactly as they appear in genesis and governance transactions.
    /// </summary>
    public KeyIdDerivation DeriveKeyId { get; }

    /// <summary>Multi-index hashing over 64-bit perceptual hashes; its layout is part of the state's shape.</summary>
    public PerceptualHashIndex Similarity { get; }

    private static byte[] HashOf(IHashAlgorithm hash, ReadOnlySpan<byte> data)
    {
        var digest = new byte[hash.HashSizeBytes];
        hash.Hash(data, digest);
        return digest;
    }
}
