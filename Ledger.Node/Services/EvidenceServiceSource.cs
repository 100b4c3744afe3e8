using Grpc.Core;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Evidence.Export;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;
using Ledger.Registry.Queries;
using Ledger.Registry.State;

namespace Ledger.Node.Services;

/// <summary>
/// The node's own state as an evidence source: the same stores the public read API answers from
/// (<see cref="LedgerApiService"/>, <see cref="RegistryQueryService"/>), read in process, so a bundle
/// built here is byte for byte the one <c>ledger evidence export</c> builds from this node's answers.
/// Nothing is checked as it is read (this is the node's own word); the evidence service verifies the
/// finished bundle against the node's genesis instead. Every read first checks that the node is
/// serving: damage found meanwhile ends the export as it ends a block stream.
/// </summary>
public sealed class EvidenceServiceSource(LedgerNode node) : IEvidenceSource
{
    private readonly RegistryQueries queries = new(node.RegistryState, node.Chain.RegistryOptions);

    public ConsortiumGenesis Genesis => node.Chain.Genesis;

    public IHashAlgorithm ChainHash => node.Chain.Hash;

    public Task<TransactionAndReceipt> GetTransactionAsync(byte[] txHash, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var stored = node.Blocks.FindTransaction(txHash)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no applied transaction {Convert.ToHexStringLower(txHash)} (as of height {node.Blocks.LatestHeight})"));
        var receipt = node.BuildReceipt(CommittedTransaction.From(stored));
        return Task.FromResult(new TransactionAndReceipt(stored.Transaction, receipt));
    }

    public IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation) =>
        ReadBlocks(fromHeight, toHeight, cancellation).ToAsyncEnumerable();

    private IEnumerable<Block> ReadBlocks(ulong fromHeight, ulong toHeight, CancellationToken cancellation)
    {
        for (var height = fromHeight; height <= toHeight; height++)
        {
            cancellation.ThrowIfCancellationRequested();
            node.ThrowIfNotServing();
            var block = node.Blocks.GetBlock(height);
            if (block is null)
            {
                yield break;
            }

            yield return block;
        }
    }

    public Task<InclusionProof> GetInclusionProofAsync(byte[] txHash, ulong treeSize, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var stored = node.Blocks.FindTransactionLeaf(txHash)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no applied transaction {Convert.ToHexStringLower(txHash)}"));
        var leafIndex = stored.LogInclusion.LeafIndex;
        if (treeSize <= leafIndex || treeSize > node.Blocks.LogTree.CommittedSize)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"tree size {treeSize} must be within ({leafIndex}, {node.Blocks.LogTree.CommittedSize}]"));
        }

        // At the block's own log size the lookup's verified proof is the answer; any other size is read anew.
        return Task.FromResult(treeSize == stored.LogInclusion.TreeSize ? stored.LogInclusion : node.Blocks.GetLogInclusionProof(stored.Header, stored.Position, treeSize));
    }

    public Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var current = node.Blocks.LogTree.CommittedSize;
        if (firstSize > secondSize || secondSize > current)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"sizes must satisfy first ({firstSize}) <= second ({secondSize}) <= current log size ({current})"));
        }

        return Task.FromResult(node.Blocks.GetLogConsistencyProof(firstSize, secondSize));
    }

    public Task<CertifiedHeader> GetCertifiedHeaderAsync(ulong height, ConsortiumState? nodeSet, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var certified = node.Collector.GetCertified(height)
            ?? throw NotCertifiedAnswer.Create($"block {height} is not certified (yet) on this node; its latest certified height is {node.Collector.CertifiedHeight}", node.Collector.CertifiedHeight);
        return Task.FromResult(certified);
    }

    public Task<GetCheckpointResponse?> GetLatestCheckpointAsync(CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        try
        {
            return Task.FromResult<GetCheckpointResponse?>(node.Checkpoints.Get(0));
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return Task.FromResult<GetCheckpointResponse?>(null);
        }
    }

    public Task<BatchRegisterOutcome> GetBatchOutcomeAsync(byte[] batchTxHash, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var outcome = queries.GetBatchOutcome(batchTxHash)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no batch outcome {Convert.ToHexStringLower(batchTxHash)} (as of height {node.Blocks.LatestHeight})"));
        return Task.FromResult(outcome);
    }

    public Task<WorkRecord> FindWorkByContentSha256Async(byte[] sha256, CancellationToken cancellation)
    {
        node.ThrowIfNotServing();
        var work = queries.FindByContentHash(ContentHashAlgorithm.Sha256, sha256)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no work registered with sha256 {Convert.ToHexStringLower(sha256)} (as of height {node.Blocks.LatestHeight})"));
        return Task.FromResult(work);
    }
}
