using System.Diagnostics;
using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Consensus;
using Ledger.Node.Metrics;
using Ledger.Node.Snapshots;
using Ledger.Node.Verification;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using RocksDbSharp;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Node.Applying;

/// <summary>
/// Turns each committed Raft entry into the next block, deterministically: the entry's batch (leader
/// timestamp, proposer, transactions) goes through the registry rules, and the block, its index
/// entries, log-tree nodes, registry writes and the applied Raft index are written in one atomic
/// batch. Every node computes byte-identical blocks from the same entries, and every node checks
/// every transaction itself: the rules verify each signature, taking a verdict this node computed
/// ahead of apply for the same bytes (its door's, or its pre-verifier's while the entry was being
/// persisted; see <see cref="SignatureVerdicts"/>) and checking inline otherwise. Committed bytes
/// that are not a transaction are recorded as rejected, never a halt (<see cref="EntryBatchCodec"/>).
/// Runs on the apply thread.
/// </summary>
public sealed partial class LedgerStateMachine : IReplicatedStateMachine, IDisposable
{
    private readonly ChainContext chain;
    private readonly LedgerDatabase database;
    private readonly BlockStore blocks;
    private readonly RocksDbRegistryState registryState;
    private readonly RegistryApplier applier;
    private readonly PendingReceipts pendingReceipts;
    private readonly BlockNotifier notifier;
    private readonly Action<BlockHeader>? blockCommitted;
    private readonly StateSnapshotRestorer? snapshotRestorer;
    private readonly NodeMetrics metrics;
    private readonly SignatureVerdicts? verdicts;
    private readonly EntryPreverifier? preverifier;
    private readonly Counter.Child inlineSignatureChecks;
    private readonly ILogger logger;

    // The header of the last block built here: the next block's time and proposer are checked against it.
    private BlockHeader? lastHeader;

    public LedgerStateMachine(
        ChainContext chain,
        LedgerDatabase database,
        BlockStore blocks,
        RocksDbRegistryState registryState,
        PendingReceipts pendingReceipts,
        BlockNotifier notifier,
        Action<BlockHeader>? blockCommitted,
        StateSnapshotRestorer? snapshotRestorer = null,
        NodeMetrics? metrics = null,
        SignatureVerdicts? verdicts = null,
        ILogger? logger = null)
    {
        this.metrics = metrics ?? new NodeMetrics();
        this.verdicts = verdicts;
        this.logger = logger ?? NullLogger.Instance;
        inlineSignatureChecks = this.metrics.SignatureChecks.WithLabels("apply");
        preverifier = verdicts is null ? null : new EntryPreverifier(chain, registryState, verdicts, this.metrics.SignatureChecks.WithLabels("preverify"));
        this.chain = chain;
        this.database = database;
        this.blocks = blocks;
        this.registryState = registryState;
        this.pendingReceipts = pendingReceipts;
        this.notifier = notifier;
        this.blockCommitted = blockCommitted;
        this.snapshotRestorer = snapshotRestorer;
        applier = new RegistryApplier(chain.RegistryOptions);
        notifier.Publish(blocks.LatestHeight);
    }

    public ulong AppliedIndex => blocks.AppliedRaftIndex;

    /// <summary>Raised on the drive loop after a block with registry effects (e.g. node membership) is persisted.</summary>
    public event Action<IReadOnlyList<RegistryEffect>>? EffectsApplied;

    /// <summary>Raised on the drive loop after a conf change entry is applied, with its index and the resulting Raft membership.</summary>
    public event Action<ulong, ConfState>? MembershipApplied;

    public void ApplyEntry(Entry entry)
    {
        if (entry.Data.IsEmpty)
        {
            // The no-op a new leader appends (dissertation §6.4): no block, but progress is recorded.
            RecordProgressOnly(entry.Index);
            return;
        }

        if (!EntryBatchCodec.TryDecode(entry, out var batch, out var problem))
        {
            // No block can be built from it, on any node: recorded as Raft progress only (see TryDecode).
            metrics.UnreadableEntries.Inc();
            LogUnreadableEntry(logger, entry.Index, entry.Term, problem);
            verdicts?.TakeEntryVerdicts(entry);
            RecordProgressOnly(entry.Index);
            return;
        }

        if (batch.Transactions.Count == 0)
        {
            RecordProgressOnly(entry.Index);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var tip = blocks.Tip;
        var height = tip.Height + 1;
        var transactions = new SignedTransaction[batch.Transactions.Count];
        var transactionHashes = new byte[transactions.Length][];
        var registryTransactions = new RegistryTransaction[transactions.Length];
        var aheadOfApply = verdicts?.TakeEntryVerdicts(entry);
        var undecodable = 0;
        for (var i = 0; i < transactions.Length; i++)
        {
            var decoded = EntryBatchCodec.DecodeTransaction(batch.Transactions[i], chain.Hash);
            transactions[i] = decoded.Recorded;
            transactionHashes[i] = decoded.TransactionHash;
            if (decoded.Undecodable is { } notDecodable)
            {
                registryTransactions[i] = notDecodable;
                undecodable++;
                continue;
            }

            // The door's verdict (this node admitted these very bytes), else the pre-verifier's; none: the rules check inline.
            var verdict = verdicts?.TakeDoorVerdict(decoded.TransactionHash)
                ?? (aheadOfApply is not null && aheadOfApply.TryGetValue(decoded.TransactionHash, out var computed) ? computed : null);
            // Likewise the door's parse and root of a batch's items (taken by the rules only for the same bytes).
            var checkedItems = verdicts?.TakeDoorBatchCheck(decoded.TransactionHash);
            registryTransactions[i] = new RegistryTransaction(decoded.TransactionHash, decoded.Envelope!, decoded.Recorded, verdict, checkedItems: checkedItems);
        }

        if (undecodable > 0)
        {
            LogUndecodableTransactions(logger, undecodable, entry.Index, entry.Term);
        }

        // The leader's stamp must follow the previous block (time, proposer of the term); an entry that
        // breaks that rule becomes a block of rejected transactions, applied to nothing.
        var previous = PreviousHeader(tip.Height);
        var broken = BlockProductionRules.Check(batch.TimestampUnixMs, batch.ProposerNodeId, entry.Term, previous);
        var context = new BlockContext(chain.ChainId, height, broken is null ? batch.TimestampUnixMs : BlockProductionRules.TimeOfRejectedBlock(previous));
        var inlineChecksBefore = applier.InlineSignatureChecks;
        var application = applier.ApplyBlock(registryState, context, broken is null ? registryTransactions : []);
        inlineSignatureChecks.Inc(applier.InlineSignatureChecks - inlineChecksBefore);
        var results = new TransactionResult[transactions.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = broken is null ? application.Outcomes[i].ToProto() : new TransactionResult { Code = ResultCode.Rejected, Reason = broken };
        }

        // Keeps the hashes, so staging the block below does not hash every transaction again.
        var roots = blocks.ComputeRoots(transactions, transactionHashes, results);
        var header = new BlockHeader
        {
            ChainId = chain.ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(tip.BlockHash),
            TxRoot = ByteString.CopyFrom(roots.TransactionRoot),
            LogSize = roots.LogSize,
            LogRoot = ByteString.CopyFrom(roots.LogRoot),
            StateRoot = ByteString.CopyFrom(application.StateRoot),
            TimestampUnixMs = context.TimestampUnixMs,
            ProposerNodeId = broken is null ? batch.ProposerNodeId : BlockProductionRules.ProposerOfRejectedBlock(batch.ProposerNodeId, entry.Term, previous),
            RaftTerm = entry.Term,
            RaftIndex = entry.Index,
            TxCount = (uint)transactions.Length,
        };
        var block = new Block { Header = header };
        block.Transactions.Add(transactions);
        block.Results.Add(results);

        using (var writeBatch = new WriteBatch())
        {
            blocks.StageAppend(writeBatch, block, entry.Index, roots);
            try
            {
                registryState.Stage(writeBatch, application.Writes);
                // Not synced: the Raft log is, and replaying it after a crash rebuilds this block identically.
                database.Write(writeBatch, sync: false);
            }
            catch
            {
                blocks.DiscardStaged();
                throw;
            }

            blocks.MarkCommitted();
        }

        lastHeader = header;
        if (application.Effects.Count > 0)
        {
            EffectsApplied?.Invoke(application.Effects);
        }

        // Submitters waiting here (on the leader, nearly every transaction) share one build of the
        // block's proofs, made by the first receipt on a request thread rather than here.
        var proofs = pendingReceipts.Count > 0 && roots.LeafHashes is { } leafHashes ? new BlockInclusionProofs(header, leafHashes, blocks.LogTree) : null;
        for (var i = 0; i < transactions.Length; i++)
        {
            pendingReceipts.Complete(new CommittedTransaction(registryTransactions[i].TxHash, height, (uint)i, results[i], header, proofs));
        }

        notifier.Publish(height);
        blockCommitted?.Invoke(header);
        metrics.BlockApply.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Starts checking the signatures of entries about to be persisted (see <see cref="EntryPreverifier"/>).</summary>
    public void Prepare(EntrySlice entries) => preverifier?.Submit(entries);

    /// <summary>Stops the pre-verifier; call after the drive loop stopped.</summary>
    public void Dispose() => preverifier?.Dispose();

    public void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting)
    {
        RecordProgressOnly(entry.Index);
        MembershipApplied?.Invoke(entry.Index, resulting);
    }

    /// <summary>
    /// Raft accepted a snapshot (its record is already durable in the Raft state): swap in the state
    /// image the snapshot receiver verified and staged. Never goes back to an index already applied.
    /// </summary>
    public void RestoreSnapshot(Snapshot snapshot)
    {
        if (snapshot.Metadata.Index <= AppliedIndex)
        {
            return;
        }

        if (snapshotRestorer is null)
        {
            throw new InvalidOperationException(
                $"snapshot at raft index {snapshot.Metadata.Index} is ahead of the applied index {AppliedIndex}, but this node cannot install state snapshots");
        }

        snapshotRestorer.Restore(snapshot);
    }

    /// <summary>The header of block <paramref name="height"/> (null for 0, before the first block); the last one built is kept.</summary>
    private BlockHeader? PreviousHeader(ulong height)
    {
        if (height == 0)
        {
            return null;
        }

        if (lastHeader is { } kept && kept.Height == height)
        {
            return kept;
        }

        return blocks.GetHeader(height) ?? throw new InvalidOperationException($"the chain's tip is at height {height}, but its header cannot be read");
    }

    private void RecordProgressOnly(ulong index)
    {
        using var writeBatch = new WriteBatch();
        blocks.StageAppliedIndex(writeBatch, index);
        try
        {
            database.Write(writeBatch, sync: false);
        }
        catch
        {
            blocks.DiscardStaged();
            throw;
        }

        blocks.MarkCommitted();
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Error, Message = "Committed raft entry {Index} (term {Term}) is not a batch a block can be built from, recorded as progress only (every node does the same): {Problem}. The leader of that term proposed it")]
    private static partial void LogUnreadableEntry(ILogger logger, ulong index, ulong term, string problem);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "{Count} transactions of committed raft entry {Index} (term {Term}) could not be decoded; recorded in their block as rejected")]
    private static partial void LogUndecodableTransactions(ILogger logger, int count, ulong index, ulong term);
}
