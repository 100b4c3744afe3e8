using System.Buffers.Binary;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence.Export;

/// <summary>
/// Assembles an evidence bundle (format 2) from a ledger's answers (<see cref="IEvidenceSource"/>):
/// the transaction without its detached items, its receipt and certified header, the governance
/// changes before it, for a batch item that item with its two proofs (to the signed merkle_root and,
/// for an accepted batch, its committed outcome to item_outcomes_root), and, when the ledger refused
/// the transaction or item with a reference to an earlier registration, that registration with its
/// own certified header. The one implementation behind <c>ledger evidence export</c> and the node's
/// evidence service. The caller verifies the result (<see cref="EvidenceVerifier"/>) before handing
/// it to anyone.
/// </summary>
public static class EvidenceAssembler
{
    /// <param name="genesis">The genesis file's exact bytes, carried verbatim by the bundle.</param>
    /// <param name="itemIndex">The batch item the bundle is evidence for; null for the whole transaction.</param>
    /// <param name="manifestItem">For a batch item, the item and its proof rebuilt from the submitter's manifest; null to rebuild them from the transaction's detached items.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemIndex"/> is beyond the batch's items.</exception>
    /// <exception cref="EvidenceExportException">The source's answers do not fit together.</exception>
    public static async Task<EvidenceBundle> AssembleAsync(
        IEvidenceSource source, byte[] genesis, byte[] txHash, int? itemIndex, BatchItemEvidence? manifestItem = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(genesis);
        var (transaction, receipt) = await source.GetTransactionAsync(txHash, cancellation).ConfigureAwait(false);
        var governance = await GovernanceEvidenceCollector.CollectAsync(source, receipt.Header, receipt.Position, cancellation).ConfigureAwait(false);
        var certified = await source.GetCertifiedHeaderAsync(receipt.BlockHeight, governance.NodeSetForHeader, cancellation).ConfigureAwait(false);
        BatchItemEvidence? item = null;
        if (itemIndex is { } index)
        {
            item = await ItemAsync(source, txHash, transaction, receipt.Result, index, manifestItem, cancellation).ConfigureAwait(false);
        }

        var prior = await PriorAsync(source, transaction, receipt.Result, item, governance.Changes, cancellation).ConfigureAwait(false);
        var checkpoint = await CheckpointAsync(source, receipt.Header, governance.Changes, cancellation).ConfigureAwait(false);
        var anchors = await NodeSetAnchorsAsync(source, certified.Header, governance.Changes, cancellation).ConfigureAwait(false);
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
            NodeSetAnchors = anchors,
        };
    }

    /// <summary>The signed transaction as the bundle carries it: envelope and signature (what the hash covers).</summary>
    public static SignedTransaction WithoutDetachedItems(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new SignedTransaction { Envelope = transaction.Envelope, Signature = transaction.Signature };
    }

    /// <summary>
    /// For each earlier block that changed the node set, that block's certified header and the
    /// consistency proof from its log to <paramref name="header"/>'s (<see cref="NodeSetAnchors"/>):
    /// without them the verifier refuses the node set the changes claim. Checked by the verifier,
    /// not here. The prior registration's block is earlier, so these anchors cover it too.
    /// </summary>
    private static async Task<IReadOnlyList<NodeSetAnchorEvidence>> NodeSetAnchorsAsync(IEvidenceSource source, BlockHeader header, IReadOnlyList<GovernanceChangeEvidence> governance, CancellationToken cancellation)
    {
        IReadOnlyList<ulong> heights;
        try
        {
            heights = NodeSetAnchors.Preview(source.Genesis, governance, header).HeightsNeedingAnchors;
        }
        catch (NodeSetAnchorException exception)
        {
            throw new EvidenceExportException($"the node's governance changes do not replay: {exception.Message}", exception);
        }

        var anchors = new List<NodeSetAnchorEvidence>(heights.Count);
        foreach (var height in heights)
        {
            var certified = await source.GetCertifiedHeaderAsync(height, nodeSet: null, cancellation).ConfigureAwait(false);
            var anchorHeader = certified.Header ?? throw new EvidenceExportException($"the node sent no header for block {height}");
            var consistency = await source.GetConsistencyProofAsync(anchorHeader.LogSize, header.LogSize, cancellation).ConfigureAwait(false);
            anchors.Add(new NodeSetAnchorEvidence(certified, [.. consistency.Path.Select(p => p.ToByteArray())]));
        }

        return anchors;
    }

    /// <summary>
    /// The ledger's latest checkpoint with the consistency proof from the transaction's log size to it,
    /// keeping only the signature lines of the consortium's nodes and registered witnesses (as of the
    /// transaction: what the bundle's verifier can check). Null when the ledger serves no checkpoint.
    /// </summary>
    private static async Task<CheckpointEvidence?> CheckpointAsync(IEvidenceSource source, BlockHeader header, IReadOnlyList<GovernanceChangeEvidence> governance, CancellationToken cancellation)
    {
        var served = await source.GetLatestCheckpointAsync(cancellation).ConfigureAwait(false);
        if (served is null)
        {
            return null;
        }

        var state = NodeSetAt(source.Genesis, governance, ulong.MaxValue);
        var trust = CheckpointTrust.FromConsortium(state);
        var note = SignedNote.Parse(served.SignedNote);
        var known = new HashSet<(string, uint)>(
            trust.Nodes.Select(n => (trust.Origin, CheckpointSignatures.KeyId(n.PublicKey, trust.Origin)))
                .Concat(trust.Witnesses.Select(w => (w.Name, Cosignature.KeyId(w.Name, w.PublicKey)))));
        var kept = new SignedNote(note.Text, note.Signatures.Where(s => known.Contains((s.KeyName, s.KeyId))));
        var checkpoint = Checkpoint.Parse(note.Text);

        // The bundle's verifier knows the node set as of the transaction only: after a node change a
        // later checkpoint may lack a quorum of those nodes. Then the bundle goes without (check skipped).
        if (checkpoint.TreeSize < header.LogSize || !CheckpointVerifier.Verify(kept, trust).IsValid)
        {
            return null;
        }

        var proof = checkpoint.TreeSize == header.LogSize
            ? []
            : (await source.GetConsistencyProofAsync(header.LogSize, checkpoint.TreeSize, cancellation).ConfigureAwait(false)).Path.Select(p => p.ToByteArray()).ToList();
        return new CheckpointEvidence { SignedNote = kept.Format(), ConsistencyPath = proof };
    }

    private static async Task<BatchItemEvidence> ItemAsync(
        IEvidenceSource source, byte[] txHash, SignedTransaction transaction, TransactionResult result, int index, BatchItemEvidence? manifestItem, CancellationToken cancellation)
    {
        IReadOnlyList<BatchItemOutcome>? outcomes = null;
        if (result.Code == ResultCode.Ok)
        {
            var recorded = await source.GetBatchOutcomeAsync(txHash, cancellation).ConfigureAwait(false);
            outcomes = BatchItemOutcomeTree.FromBatchOutcome(recorded);
        }

        if (manifestItem is not null)
        {
            return new BatchItemEvidence
            {
                Item = manifestItem.Item,
                ItemProof = manifestItem.ItemProof,
                Outcome = outcomes?[index],
                OutcomeProof = outcomes is null ? null : BatchItemOutcomeTree.Prove(outcomes, index, source.ChainHash),
            };
        }

        if (transaction.DetachedItems.IsEmpty)
        {
            throw new EvidenceExportException("the node returned the batch without its items; give the batch's --manifest");
        }

        var items = BatchItems.Parser.ParseFrom(transaction.DetachedItems).Items;
        if (index < 0 || index >= items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the batch has {items.Count} items");
        }

        return BatchItemEvidence.Build(items, outcomes, index, source.ChainHash);
    }

    /// <summary>The earlier registration a rejection names, or null when none is named.</summary>
    private static async Task<PriorRegistrationEvidence?> PriorAsync(
        IEvidenceSource source, SignedTransaction transaction, TransactionResult result, BatchItemEvidence? item, IReadOnlyList<GovernanceChangeEvidence> governance, CancellationToken cancellation)
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
            priorItemIndex = BinaryPrimitives.ReadUInt32BigEndian(outcome.ReferenceWorkId.AsSpan(outcome.ReferenceWorkId.Length - sizeof(uint)));
        }
        else
        {
            if (result.Code != ResultCode.Rejected || result.ReferenceTxHash.IsEmpty)
            {
                return null;
            }

            referenceTxHash = result.ReferenceTxHash.ToByteArray();
        }

        var (priorTransaction, receipt) = await source.GetTransactionAsync(referenceTxHash, cancellation).ConfigureAwait(false);
        var nodeSet = NodeSetAt(source.Genesis, governance, receipt.BlockHeight);
        var certified = await source.GetCertifiedHeaderAsync(receipt.BlockHeight, nodeSet, cancellation).ConfigureAwait(false);
        BatchItemEvidence? priorItem = null;
        var envelope = TransactionEnvelope.Parser.ParseFrom(priorTransaction.Envelope);
        if (envelope.Type == TransactionType.BatchRegister)
        {
            // A RegisterWork rejection names the batch's transaction only: the item is the work registered with the same content.
            priorItemIndex ??= await ItemIndexByContentAsync(source, transaction, referenceTxHash, cancellation).ConfigureAwait(false);
            priorItem = await ItemAsync(source, referenceTxHash, priorTransaction, receipt.Result, (int)priorItemIndex.Value, null, cancellation).ConfigureAwait(false);
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

    private static async Task<uint> ItemIndexByContentAsync(IEvidenceSource source, SignedTransaction rejected, byte[] batchTxHash, CancellationToken cancellation)
    {
        var body = RegisterWork.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(rejected.Envelope).Body);
        var work = await source.FindWorkByContentSha256Async(body.ContentHash.Sha256.ToByteArray(), cancellation).ConfigureAwait(false);
        if (!work.RegisteredTxHash.Span.SequenceEqual(batchTxHash))
        {
            throw new EvidenceExportException($"the work registered with this content is from tx {Convert.ToHexStringLower(work.RegisteredTxHash.Span)}, the rejection names {Convert.ToHexStringLower(batchTxHash)}");
        }

        return work.ItemIndex;
    }

    /// <summary>The node set for a block at <paramref name="height"/>: genesis plus the changes of earlier blocks.</summary>
    private static ConsortiumState NodeSetAt(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> governance, ulong height)
    {
        var state = new ConsortiumState(genesis);
        foreach (var change in governance.Where(c => c.BlockHeight < height))
        {
            state.Observe(change.BlockHeight, change.Position, change.Transaction, TransactionHashing.ComputeHash(state.Suite.Hash, change.Transaction), change.Result);
        }

        return state;
    }
}
