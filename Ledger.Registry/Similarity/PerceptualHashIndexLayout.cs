using System.Numerics;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Similarity;

/// <summary>
/// Multi-index hashing (Norouzi, Punjani, Fleet, "Fast Search in Hamming Space with Multi-Index
/// Hashing", CVPR 2012). The 64-bit hash is cut into m contiguous substrings (most significant
/// first; widths differ by at most one bit) and each substring is an exact-match index.
/// <para>
/// Generalized pigeonhole: if two hashes differ in at most k bits, some substring differs in at
/// most r = floor(k / m) bits (otherwise the total would be at least m(r + 1) &gt; k). A query
/// therefore probes, for every substring, each value within Hamming distance r of the query's
/// substring, and filters the candidates by full distance. With m &gt; k this is the plain
/// exact-match case (r = 0, m probes).
/// </para>
/// <para>
/// Cost of a query over N images: (probes) seeks plus (probes × N / 2^w) entries read, w the
/// substring width. Norouzi et al. choose w ≈ log2 N, so buckets stay small and the seeks dominate.
/// The default m = 3 (22/21/21 bits, <see cref="RegistryOptions.DefaultPerceptualHashSubstringCount"/>)
/// answers k ≤ 2 with 3 probes, k = 4 with 3 + 64 = 67 probes reading ~2.6e-5 N entries (~66 at
/// 2.5 M images, ~660 at 25 M, ~9,900 at 375 M images, the 1.5-billion-item mission), and k = 8 with
/// 3 + 64 + 651 = 718 probes. m = 4 (16 bits) probes 68 buckets at k = 4 but reads 68 N / 2^16 ≈
/// 1.0e-3 N entries, ~39 times as many: linear in N from a few hundred thousand images on
/// (docs/storage.md has the measurements). m = 2 would need 82,898 probes at k = 8, past
/// <see cref="ProbesPerQueryMax"/>. The layout is not part of the state: the state holds one entry
/// per image whatever m is, and a node rebuilds its derived tables in the background when m changes.
/// </para>
/// </summary>
public sealed class PerceptualHashIndexLayout
{
    public const int SubstringCountMin = 3;
    public const int SubstringCountMax = 8;

    /// <summary>Bucket probes one query may need at <see cref="RegistryLimits.PerceptualHashDistanceMax"/>.</summary>
    public const long ProbesPerQueryMax = 20_000;

    private const int HashBits = 64;

    private readonly int[] widthsBits;
    private readonly int[] offsetsBits;

    public PerceptualHashIndexLayout(int substringCount)
    {
        if (substringCount is < SubstringCountMin or > SubstringCountMax)
        {
            throw new ArgumentOutOfRangeException(nameof(substringCount), substringCount, $"must be in [{SubstringCountMin}, {SubstringCountMax}]");
        }

        SubstringCount = substringCount;
        widthsBits = new int[substringCount];
        offsetsBits = new int[substringCount];
        var offset = 0;
        for (var j = 0; j < substringCount; j++)
        {
            widthsBits[j] = (HashBits / substringCount) + (j < HashBits % substringCount ? 1 : 0);
            offsetsBits[j] = offset;
            offset += widthsBits[j];
        }

        var probes = ProbeCount(RegistryLimits.PerceptualHashDistanceMax);
        if (probes > ProbesPerQueryMax)
        {
            throw new ArgumentOutOfRangeException(nameof(substringCount), substringCount, $"needs {probes} probes at distance {RegistryLimits.PerceptualHashDistanceMax}, more than {ProbesPerQueryMax}");
        }
    }

    public int SubstringCount { get; }

    public int WidthBits(int substring) => widthsBits[substring];

    /// <summary>Bits above substring <paramref name="substring"/> (its rotation in table j puts it at the top).</summary>
    public int OffsetBits(int substring) => offsetsBits[substring];

    /// <summary>Bytes used for the substring value inside an index key (big-endian).</summary>
    public int ValueBytes(int substring) => (widthsBits[substring] + 7) / 8;

    public ulong Substring(ulong hash, int substring)
    {
        var width = widthsBits[substring];
        var shifted = hash << offsetsBits[substring];
        return shifted >> (HashBits - width);
    }

    /// <summary>Per-substring search radius for full distance <paramref name="maxDistance"/>.</summary>
    public int RadiusFor(int maxDistance) => maxDistance / SubstringCount;

    public long ProbeCount(int maxDistance)
    {
        var radius = RadiusFor(maxDistance);
        long total = 0;
        for (var j = 0; j < SubstringCount; j++)
        {
            for (var i = 0; i <= radius; i++)
            {
                total += (long)Binomial(widthsBits[j], i);
            }
        }

        return total;
    }

    private static BigInteger Binomial(int n, int k)
    {
        BigInteger result = 1;
        for (var i = 0; i < k; i++)
        {
            result = result * (n - i) / (i + 1);
        }

        return result;
    }
}
