namespace Ledger.Registry.Similarity;

/// <summary>
/// A state that keeps its perceptual-hash index entries in memory as well
/// (<see cref="PerceptualHashMemoryIndex"/>), so similar-work queries read no storage per bucket.
/// </summary>
public interface ISimilarityIndexedState
{
    /// <summary>The in-memory index of this state for <paramref name="layout"/>, built on first use.</summary>
    PerceptualHashMemoryIndex SimilarityIndex(PerceptualHashIndexLayout layout);
}
