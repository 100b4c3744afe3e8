using System.Collections.Immutable;
using System.Numerics;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;

namespace Ledger.Storage.Registry;

/// <summary>The images of one registering transaction in one block: its hash, item indexes and perceptual hashes.</summary>
internal sealed record SimilarityTailGroup(byte[] TxHash, uint[] Items, ulong[] Hashes);

/// <summary>One applied block's images, loaded from its pending record, not yet in the tables on disk.</summary>
internal sealed record SimilarityTailSegment(ulong Height, SimilarityTailGroup[] Groups, int Images);

/// <summary>
/// What a query sees of the similarity index, published whole (readers never lock):
/// the tables on disk hold every image through <see cref="IndexedHeight"/>, and <see cref="Tail"/>
/// the images of the blocks after it through <see cref="LoadedHeight"/>, which a query scans by
/// brute force. While <see cref="Rebuilding"/>, the tables are being refilled from the state and
/// answer nothing.
/// </summary>
internal sealed record SimilarityIndexView(
    bool Rebuilding,
    ulong IndexedHeight,
    ulong LoadedHeight,
    ImmutableQueue<SimilarityTailSegment> Tail,
    long TailImages,
    long RebuiltImages,
    string? Failure)
{
    public static SimilarityIndexView Following(ulong indexedHeight) =>
        new(Rebuilding: false, indexedHeight, indexedHeight, ImmutableQueue<SimilarityTailSegment>.Empty, 0, 0, Failure: null);

    public static SimilarityIndexView RebuildingFrom(ulong baseHeight) =>
        new(Rebuilding: true, baseHeight, baseHeight, ImmutableQueue<SimilarityTailSegment>.Empty, 0, 0, Failure: null);

    /// <summary>Adds the tail images within <paramref name="maxDistance"/> of <paramref name="query"/> (a linear scan of at most the tail bound).</summary>
    public void AddTailMatches(ulong query, int maxDistance, List<SimilarWork> matches)
    {
        foreach (var segment in Tail)
        {
            foreach (var group in segment.Groups)
            {
                var hashes = group.Hashes;
                for (var i = 0; i < hashes.Length; i++)
                {
                    var distance = BitOperations.PopCount(hashes[i] ^ query);
                    if (distance <= maxDistance)
                    {
                        matches.Add(new SimilarWork(WorkIds.Create(group.TxHash, group.Items[i]), hashes[i], distance));
                    }
                }
            }
        }
    }
}
