using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>What certifying a receipt reads from the ledger (a <see cref="LedgerClient"/>, with its failover and retries).</summary>
internal interface IChainSource
{
    /// <summary>Blocks [from, to] in order.</summary>
    IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation);

    /// <summary>The certified header of <paramref name="height"/> as served (unchecked), or null while the node has none.</summary>
    Task<CertifiedHeader?> TryGetCertifiedHeaderAsync(ulong height, CancellationToken cancellation);

    Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation);
}
