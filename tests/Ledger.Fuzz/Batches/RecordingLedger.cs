using Google.Protobuf;
using Ledger.Cli.Batches;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Fuzz.Batches;

/// <summary>
/// A fake ledger for the journal fuzzer that knows the manifest's batches (their exact detached items) and
/// records a violation for anything a run submits that is not one of them, signed by the run's key —
/// and for a batch committed twice under two transactions (signed anew instead of settled from its
/// journal). It can commit a batch and then lose the acknowledgement, or fail before committing.
/// </summary>
internal sealed class RecordingLedger : IBatchLedger
{
    private readonly Dictionary<string, int> batchByRoot;
    private readonly IReadOnlyList<ByteString> detachedByBatch;
    private readonly PublicKey signer;
    private readonly string chainId;
    private readonly IHashAlgorithm hash;
    private readonly Dictionary<string, (int Batch, BatchCommit Commit)> committed = [];
    private readonly Dictionary<int, string> committedTxByBatch = [];
    private readonly List<string> violations = [];
    private ulong height;

    public RecordingLedger(IReadOnlyList<(string RootHex, ByteString Detached)> batches, PublicKey signer, string chainId, IHashAlgorithm hash)
    {
        batchByRoot = batches.Select((b, i) => (b.RootHex, i)).ToDictionary(p => p.RootHex, p => p.i);
        detachedByBatch = [.. batches.Select(b => b.Detached)];
        this.signer = signer;
        this.chainId = chainId;
        this.hash = hash;
    }

    private RecordingLedger(RecordingLedger other)
        : this([.. other.batchByRoot.OrderBy(p => p.Value).Select(p => (p.Key, other.detachedByBatch[p.Value]))], other.signer, other.chainId, other.hash)
    {
        foreach (var (tx, value) in other.committed)
        {
            committed[tx] = value;
        }

        foreach (var (batch, tx) in other.committedTxByBatch)
        {
            committedTxByBatch[batch] = tx;
        }

        height = other.height;
    }

    /// <summary>From this batch on: commit, then lose the acknowledgement (one batch), then fail without committing.</summary>
    public int? OutageFromBatch { get; set; }

    public IReadOnlyList<string> Violations => violations;

    public int CommittedBatches => committedTxByBatch.Count;

    /// <summary>The same commits, no outage and no violations: the ledger a resumed run meets.</summary>
    public RecordingLedger Copy() => new(this);

    public Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation) =>
        Task.FromResult(committed.TryGetValue(Convert.ToHexStringLower(txHash), out var found) ? found.Commit : null);

    public Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation)
    {
        var txHash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(hash, transaction));
        if (committed.TryGetValue(txHash, out var again))
        {
            return Task.FromResult(again.Commit);
        }

        if (Identify(transaction) is not { } batch)
        {
            // The node would refuse it at the door (or record it rejected); the run must not have sent it.
            return Task.FromException<BatchCommit>(new IOException("the fake ledger refused a transaction that is not one of the manifest's batches"));
        }

        if (OutageFromBatch is { } outage && batch > outage)
        {
            return Task.FromException<BatchCommit>(new IOException($"connection lost before batch {batch} reached the ledger"));
        }

        if (committedTxByBatch.TryGetValue(batch, out var earlier))
        {
            violations.Add($"batch {batch} committed twice: tx {earlier} and now tx {txHash} (signed anew instead of settled from the journal)");
        }

        var commit = new BatchCommit(++height, ResultCode.Ok, "", Verified: true);
        committed[txHash] = (batch, commit);
        committedTxByBatch[batch] = txHash;
        return batch == OutageFromBatch
            ? Task.FromException<BatchCommit>(new IOException($"connection lost after batch {batch} was committed"))
            : Task.FromResult(commit);
    }

    /// <summary>The manifest batch <paramref name="transaction"/> is, or null (and a violation) when it is not exactly one, signed by the run's key.</summary>
    private int? Identify(SignedTransaction transaction)
    {
        try
        {
            var envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
            if (envelope.Type != TransactionType.BatchRegister || envelope.ChainId != chainId)
            {
                violations.Add($"submitted a {envelope.Type} transaction for chain '{envelope.ChainId}'");
                return null;
            }

            var body = BatchRegister.Parser.ParseFrom(envelope.Body);
            if (!batchByRoot.TryGetValue(Convert.ToHexStringLower(body.MerkleRoot.Span), out var batch))
            {
                violations.Add("submitted a batch whose root is none of the manifest's batches");
                return null;
            }

            if (transaction.DetachedItems != detachedByBatch[batch])
            {
                violations.Add($"submitted batch {batch} with detached items other than the manifest's");
                return null;
            }

            if (!TransactionSigning.Verify(signer, transaction, chainId))
            {
                violations.Add($"submitted batch {batch} with a signature that does not verify");
                return null;
            }

            return batch;
        }
        catch (InvalidProtocolBufferException exception)
        {
            violations.Add($"submitted undecodable bytes: {exception.Message}");
            return null;
        }
    }
}
