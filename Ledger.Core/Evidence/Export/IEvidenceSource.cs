using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence.Export;

/// <summary>
/// The reads an evidence bundle is assembled from (<see cref="EvidenceAssembler"/>): one ledger's
/// transactions, blocks, proofs, certified headers, checkpoint and registry records. Two sources
/// exist: a client asking a node over gRPC (Ledger.Client, what <c>ledger evidence export</c> uses)
/// and a node reading its own state (Ledger.Node's evidence service), so a bundle is built by one
/// piece of code wherever it is built.
/// <para>
/// A source may check what it reads (the client checks receipts and certifications against the
/// genesis) or not (the node reads its own state); either way the assembled bundle is verified as a
/// whole (<see cref="EvidenceVerifier"/>) before anyone is given it. A read that finds nothing throws
/// (the source's own error: an RpcException NotFound or FailedPrecondition from either source).
/// </para>
/// </summary>
public interface IEvidenceSource
{
    /// <summary>The consortium's genesis, parsed (the one the bundle carries).</summary>
    ConsortiumGenesis Genesis { get; }

    /// <summary>The chain's hash (the suite's), for transaction hashes and batch trees.</summary>
    IHashAlgorithm ChainHash { get; }

    /// <summary>The committed transaction (with its detached batch items, if any) and its receipt.</summary>
    Task<TransactionAndReceipt> GetTransactionAsync(byte[] txHash, CancellationToken cancellation);

    /// <summary>Blocks [<paramref name="fromHeight"/>, <paramref name="toHeight"/>] in height order.</summary>
    IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation);

    /// <summary>The inclusion proof of a transaction's log leaf into the log of size <paramref name="treeSize"/>.</summary>
    Task<InclusionProof> GetInclusionProofAsync(byte[] txHash, ulong treeSize, CancellationToken cancellation);

    /// <summary>The RFC 9162 consistency proof from log size <paramref name="firstSize"/> to <paramref name="secondSize"/>.</summary>
    Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation);

    /// <summary>
    /// The certified header of block <paramref name="height"/>. <paramref name="nodeSet"/> is the node
    /// set in force for it when the caller knows it, for a source that checks the certification as it
    /// reads (null for the node-set anchors, which the verifier checks against the replayed changes).
    /// </summary>
    Task<CertifiedHeader> GetCertifiedHeaderAsync(ulong height, ConsortiumState? nodeSet, CancellationToken cancellation);

    /// <summary>The latest signed checkpoint, or null when the ledger serves none (no block certified yet).</summary>
    Task<GetCheckpointResponse?> GetLatestCheckpointAsync(CancellationToken cancellation);

    /// <summary>The per-item outcomes the registry recorded for an accepted BatchRegister.</summary>
    Task<BatchRegisterOutcome> GetBatchOutcomeAsync(byte[] batchTxHash, CancellationToken cancellation);

    /// <summary>The work registered with this SHA-256 content hash.</summary>
    Task<WorkRecord> FindWorkByContentSha256Async(byte[] sha256, CancellationToken cancellation);
}
