namespace Ledger.Registry.Similarity;

/// <summary>
/// Names one image inside a similarity table without its 36-byte work id: <see cref="Source"/> is a
/// number the table store gives the registering transaction (resolved to its hash by
/// <see cref="IPerceptualHashTableReader.WorkIdOf"/>), <see cref="Item"/> the work id's item index.
/// </summary>
public readonly record struct ImageReference(ulong Source, uint Item);

/// <summary>One entry of table j: the image's hash rotated left by substring j's offset, and the image.</summary>
public readonly record struct PerceptualHashTableEntry(ulong RotatedHash, ImageReference Image);
