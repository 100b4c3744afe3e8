using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Evidence;

/// <summary>
/// Assembles an evidence bundle (format 2) from a node's answers: the transaction without its
/// detached items, its receipt and certified header, the governance changes before it, for a batch
/// item that item with its two proofs (to the signed merkle_root and, for an accepted batch, its
/// committed outcome to item_outcomes_root), and, when the ledger refused the transaction or item
/// with a reference to an earlier registration, that registration with its own certified header.
/// The caller verifies the result (<see cref="EvidenceVerifier"/>) before handing it to anyone.
/// </summary>
public static class EvidenceExporter
{
    /// <param name="manifestItem">For a batch item, the item and its proof rebuilt from the submitter's manifest; null to rebuild them from the transaction's detached items.</param>
    public static async Task<EvidenceBundle> ExportAsync(
        LedgerClient client, byte[] genesis, byte[] txHash, int? itemIndex, BatchItemEvidence? manifestItem = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(genesis);
        var (transaction, receipt) = await FetchAsync(client, txHash, cancellation).ConfigureAwait(false);
        var governance = await GovernanceCollector.CollectAsync(client, receipt.Header, receipt.Position, cancellation).ConfigureAwait(false);
        var certified = await client.GetCertifiedHeaderAsync(receipt.BlockHeight, governance.NodeSetForHeader, cancellation).ConfigureAwait(false);
        BatchItemEvidence? item = null;
        if (itemIndex is { } index)
        {
            item = await ItemAsync(client, txHash, transaction, receipt.Result, index, manifestItem, cancellation).ConfigureAwait(false);
        }

        var prior = await PriorAsync(client, transaction, receipt.Result, item, governance.Changes, cancellation).ConfigureAwait(false);
        var checkpoint = await CheckpointAsync(client, receipt.Header, governance.Changes, cancellation).ConfigureAwait(false);
        return new EvidenceBundle
        {
            Transaction = WithoutDetachedItems(transaction),
            TransactionHash = txHash,
            Result = receipt.Result,
            BlockHeight = receipt.BlockHeight,
            Position = receipt.Position,
            LogInclusion = receipt.LogInclusion,
            CertifiedHeader = certified,
            Genesis = genesis,
            GovernanceChanges = governance.Changes,
            BatchItem = item,
            PriorRegistration = prior,
            Checkpoint = checkpoint,
        };
    }

    /// <summary>
    /// The node's latest checkpoint with the consistency proof from the transaction's log size to it,
    /// keeping only the signature lines of the consortium's nodes and registered witnesses (as of the
    /// transaction: what the bundle's verifier can check). Null when the node serves no checkpoint.
    /// </summary>
    private static async Task<CheckpointEvidence?> CheckpointAsync(LedgerClient client, BlockHeader header, IReadOnlyList<GovernanceChangeEvidence> governance, CancellationToken cancellation)
    {
        GetCheckpointResponse served;
        try
        {
            served = await client.InvokeAsync((api, call) => api.GetCheckpointAsync(new GetCheckpointRequest(), call).ResponseAsync, cancellation).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException exception) when (exception.StatusCode is Grpc.Core.StatusCode.Unimplemented or Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }

        var state = NodeSetAt(client.Genesis!, governance, ulong.MaxValue);
        var trust = Core.Checkpoints.CheckpointTrust.FromConsortium(state);
        var note = Core.Checkpoints.SignedNote.Parse(served.SignedNote);
        var known = new HashSet<(string, uint)>(
            trust.Nodes.Select(n => (trust.Origin, Core.Checkpoints.CheckpointSignatures.KeyId(n.PublicKey, trust.Origin)))
                .Concat(trust.Witnesses.Select(w => (w.Name, Core.Checkpoints.Cosignature.KeyId(w.Name, w.PublicKey)))));
        var kept = new Core.Checkpoints.SignedNote(note.Text, note.Signatures.Where(s => known.Contains((s.KeyName, s.KeyId))));
        var checkpoint = Core.Checkpoints.Checkpoint.Parse(note.Text);

        // The bundle's verifier knows the node set as of the transaction only: after a node change a
        // later checkpoint may lack a quorum of those nodes. Then the bundle goes without (check skipped).
        if (checkpoint.TreeSize < header.LogSize || !Core.Checkpoints.CheckpointVerifier.Verify(kept, trust).IsValid)
        {
            return null;
        }

        var proof = checkpoint.TreeSize == header.LogSize
            ? []
            : (await client.GetConsistencyProofAsync(header.LogSize, checkpoint.TreeSize, cancellation).ConfigureAwait(false)).Path.Select(p => p.ToByteArray()).ToList();
        return new CheckpointEvidence { SignedNote = kept.Format(), ConsistencyPath = proof };
    }

    /// <summary>The signed transaction as the bundle carries it: envelope and signature (what the hash covers).</summary>
    public static SignedTransaction WithoutDetachedItems(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new SignedTransaction { Envelope = transaction.Envelope, Signature = transaction.Signature };
    }

    private static async Task<(SignedTransaction Transaction, Receipt Receipt)> FetchAsync(LedgerClient client, byte[] txHash, CancellationToken cancellation)
    {
        var receipt = (await client.GetReceiptAsync(txHash, cancellation).ConfigureAwait(false)).Receipt;
        var response = await client.GetTransactionAsync(txHash, includeReceipt: false, cancellation: cancellation).ConfigureAwait(false);
        return (response.Transaction, receipt);
    }

    private static async Task<BatchItemEvidence> ItemAsync(
        LedgerClient client, byte[] txHash, SignedTransaction transaction, TransactionResult result, int index, BatchItemEvidence? manifestItem, CancellationToken cancellation)
    {
        IReadOnlyList<BatchItemOutcome>? outcomes = null;
        if (result.Code == ResultCode.Ok)
        {
            var recorded = await client.GetBatchOutcomeAsync(txHash, cancellation: cancellation).ConfigureAwait(false);
            outcomes = BatchItemOutcomeTree.FromBatchOutcome(recorded.Outcome);
        }

        if (manifestItem is not null)
        {
            return new BatchItemEvidence
            {
                Item = manifestItem.Item,
                ItemProof = manifestItem.ItemProof,
                Outcome = outcomes?[index],
                OutcomeProof = outcomes is null ? null : BatchItemOutcomeTree.Prove(outcomes, index, client.ChainHash),
            };
        }

        if (transaction.DetachedItems.IsEmpty)
        {
            throw new ClientVerificationException("the node returned the batch without its items; give the batch's --manifest");
        }

        var items = BatchItems.Parser.ParseFrom(transaction.DetachedItems).Items;
        if (index < 0 || index >= items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the batch has {items.Count} items");
        }

        return BatchItemEvidence.Build(items, outcomes, index, client.ChainHash);
    }

    /// <summary>The earlier registration a rejection names, or null when none is named.</summary>
    private static async Task<PriorRegistrationEvidence?> PriorAsync(
        LedgerClient client, SignedTransaction transaction, TransactionResult result, BatchItemEvidence? item, IReadOnlyList<GovernanceChangeEvidence> governance, CancellationToken cancellation)
    {
        byte[] referenceTxHash;
        uint? priorItemIndex = null;
        if (item is not null)
        {
            if (item.Outcome is not { IsAccepted: false } outcome || outcome.ReferenceTxHash.Length == 0)
            {
                return null;
            }

            referenceTxHash = outcome.ReferenceTxHash;
            priorItemIndex = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(outcome.ReferenceWorkId.AsSpan(outcome.ReferenceWorkId.Length - sizeof(uint)));
        }
        else
        {
            if (result.Code != ResultCode.Rejected || result.ReferenceTxHash.IsEmpty)
            {
                return null;
            }

            referenceTxHash = result.ReferenceTxHash.ToByteArray();
        }

        var (priorTransaction, receipt) = await FetchAsync(client, referenceTxHash, cancellation).ConfigureAwait(false);
        var nodeSet = NodeSetAt(client.Genesis!, governance, receipt.BlockHeight);
        var certified = await client.GetCertifiedHeaderAsync(receipt.BlockHeight, nodeSet, cancellation).ConfigureAwait(false);
        BatchItemEvidence? priorItem = null;
        var envelope = TransactionEnvelope.Parser.ParseFrom(priorTransaction.Envelope);
        if (envelope.Type == TransactionType.BatchRegister)
        {
            // A RegisterWork rejection names the batch's transaction only: the item is the work registered with the same content.
            priorItemIndex ??= await ItemIndexByContentAsync(client, transaction, referenceTxHash, cancellation).ConfigureAwait(false);
            priorItem = await ItemAsync(client, referenceTxHash, priorTransaction, receipt.Result, (int)priorItemIndex.Value, null, cancellation).ConfigureAwait(false);
        }

        return new PriorRegistrationEvidence
        {
            Transaction = WithoutDetachedItems(priorTransaction),
            TransactionHash = referenceTxHash,
            Result = receipt.Result,
            BlockHeight = receipt.BlockHeight,
            Position = receipt.Position,
            LogInclusion = receipt.LogInclusion,
            CertifiedHeader = certified,
            BatchItem = priorItem,
        };
    }

    private static async Task<uint> ItemIndexByContentAsync(LedgerClient client, SignedTransaction rejected, byte[] batchTxHash, CancellationToken cancellation)
    {
        var body = RegisterWork.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(rejected.Envelope).Body);
        var work = (await client.FindByContentHashAsync(body.ContentHash.Sha256.ToByteArray(), cancellation: cancellation).ConfigureAwait(false)).Work;
        if (!work.RegisteredTxHash.Span.SequenceEqual(batchTxHash))
        {
            throw new ClientVerificationException($"the work registered with this content is from tx {Convert.ToHexStringLower(work.RegisteredTxHash.Span)}, the rejection names {Convert.ToHexStringLower(batchTxHash)}");
        }

        return work.ItemIndex;
    }

    /// <summary>The node set for a block at <paramref name="height"/>: genesis plus the changes of earlier blocks.</summary>
    private static ConsortiumState NodeSetAt(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> governance, ulong height)
    {
        var state = new ConsortiumState(genesis);
        foreach (var change in governance.Where(c => c.BlockHeight < height))
        {
            state.Observe(change.BlockHeight, change.Position, change.Transaction, Core.Signing.TransactionHashing.ComputeHash(state.Suite.Hash, change.Transaction), change.Result);
        }

        return state;
    }
}
