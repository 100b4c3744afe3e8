namespace Ledger.Storage.Errors;

/// <summary>The data directory belongs to a different chain than the one this node was configured for.</summary>
public sealed class ChainIdMismatchException(string dataDirectory, string storedChainId, string expectedChainId)
    : StorageException($"data directory '{dataDirectory}' holds chain '{storedChainId}', but this node is configured for chain '{expectedChainId}'")
{
    public string DataDirectory { get; } = dataDirectory;

    public string StoredChainId { get; } = storedChainId;

    public string ExpectedChainId { get; } = expectedChainId;
}
