namespace Ledger.Registry.Similarity;

/// <summary>
/// The similarity index cannot answer now: it is being rebuilt from the state (after a snapshot
/// install, or on a directory without it), or it lags the applied height by more images than its
/// in-memory tail holds. The message says how far it has come ("similarity index at height X of
/// Y"); a node maps it to gRPC UNAVAILABLE, so a client retries later.
/// </summary>
public sealed class SimilarityIndexUnavailableException(string message) : Exception(message);
