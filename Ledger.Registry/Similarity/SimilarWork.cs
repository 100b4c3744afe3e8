namespace Ledger.Registry.Similarity;

/// <summary>A registered work whose perceptual hash is <see cref="Distance"/> bits from the query.</summary>
public sealed record SimilarWork(byte[] WorkId, ulong PerceptualHash, int Distance);
