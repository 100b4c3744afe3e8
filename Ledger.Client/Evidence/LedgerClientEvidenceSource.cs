using Grpc.Core;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Evidence.Export;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Client.Evidence;

/// <summary>
/// A node's answers over gRPC as an evidence source: receipts checked as by
/// <see cref="LedgerClient.GetReceiptAsync"/>, certified headers checked against the node set the
/// assembler names (the anchors' headers are left to the verifier), and "no checkpoint" when the
/// node serves none (NotFound) or predates checkpoints (Unimplemented).
/// </summary>
public sealed class LedgerClientEvidenceSource(LedgerClient client) : IEvidenceSource
{
    /// <inheritdoc/>
    public ConsortiumGenesis Genesis => client.Genesis ?? throw new InvalidOperationException("collecting governance needs the client's genesis");

    /// <inheritdoc/>
    public IHashAlgorithm ChainHash => client.ChainHash;

    /// <inheritdoc/>
    public async Task<TransactionAndReceipt> GetTransactionAsync(byte[] txHash, CancellationToken cancellation)
    {
        var receipt = (await client.GetReceiptAsync(txHash, cancellation).ConfigureAwait(false)).Receipt;
        var response = await client.GetTransactionAsync(txHash, includeReceipt: false, cancellation: cancellation).ConfigureAwait(false);
        return new TransactionAndReceipt(response.Transaction, receipt);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation) =>
        client.GetBlocksAsync(fromHeight, toHeight, cancellation);

    /// <inheritdoc/>
    public async Task<InclusionProof> GetInclusionProofAsync(byte[] txHash, ulong treeSize, CancellationToken cancellation) =>
        (await client.GetInclusionProofAsync(txHash, treeSize, cancellation).ConfigureAwait(false)).Proof;

    /// <inheritdoc/>
    public Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation) =>
        client.GetConsistencyProofAsync(firstSize, secondSize, cancellation);

    /// <inheritdoc/>
    public Task<CertifiedHeader> GetCertifiedHeaderAsync(ulong height, ConsortiumState? nodeSet, CancellationToken cancellation)
    {
        if (nodeSet is not null)
        {
            return client.GetCertifiedHeaderAsync(height, nodeSet, cancellation);
        }

        var request = new GetCertifiedHeaderRequest { Height = height };
        return client.InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation);
    }

    /// <inheritdoc/>
    public async Task<GetCheckpointResponse?> GetLatestCheckpointAsync(CancellationToken cancellation)
    {
        try
        {
            return await client.InvokeAsync((api, call) => api.GetCheckpointAsync(new GetCheckpointRequest(), call).ResponseAsync, cancellation).ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unimplemented or StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<BatchRegisterOutcome> GetBatchOutcomeAsync(byte[] batchTxHash, CancellationToken cancellation) =>
        (await client.GetBatchOutcomeAsync(batchTxHash, cancellation: cancellation).ConfigureAwait(false)).Outcome;

    /// <inheritdoc/>
    public async Task<WorkRecord> FindWorkByContentSha256Async(byte[] sha256, CancellationToken cancellation) =>
        (await client.FindByContentHashAsync(sha256, cancellation: cancellation).ConfigureAwait(false)).Work;
}
