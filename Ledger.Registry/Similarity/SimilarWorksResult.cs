namespace Ledger.Registry.Similarity;

/// <summary>Matches nearest first. <see cref="Truncated"/>: the candidate bound was hit, so closer matches may be missing.</summary>
public sealed record SimilarWorksResult(IReadOnlyList<SimilarWork> Matches, bool Truncated);
