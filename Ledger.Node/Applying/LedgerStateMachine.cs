using System.Diagnostics;
using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Consensus;
using Ledger.Node.Metrics;
using Ledger.Node.Snapshots;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Registry;
using RocksDbSharp;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Node.Applying;

/// <summary>
/// Turns each committed Raft entry into the next block, deterministically: the entry's batch (leader
/// timestamp, proposer, transactions) goes through the registry rules, and the block, its index
/// entries, log-tree nodes, registry writes and the applied Raft index are written in one atomic
/// batch. Every node computes byte-identical blocks from the same entries. Runs on the drive loop.
/// </summary>
public sealed class LedgerStateMachine : IReplicatedStateMachine
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
        NodeMetrics? metrics = null)
    {
        this.metrics = metrics ?? new NodeMetrics();
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

        var batch = EntryBatchCodec.Decode(entry);
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
        for (var i = 0; i < transactions.Length; i++)
        {
            transactions[i] = EntryBatchCodec.DecodeTransaction(entry, batch.Transactions[i]);
            transactionHashes[i] = EntryBatchCodec.HashTransaction(entry, batch.Transactions[i], transactions[i], chain.Hash);
            registryTransactions[i] = new RegistryTransaction(transactionHashes[i], EntryBatchCodec.DecodeEnvelope(entry, transactions[i]));
        }

        // The leader's stamp must follow the previous block (time, proposer of the term); an entry that
        // breaks that rule becomes a block of rejected transactions, applied to nothing.
        var previous = PreviousHeader(tip.Height);
        var broken = BlockProductionRules.Check(batch.TimestampUnixMs, batch.ProposerNodeId, entry.Term, previous);
        var context = new BlockContext(chain.ChainId, height, broken is null ? batch.TimestampUnixMs : BlockProductionRules.TimeOfRejectedBlock(previous));
        var application = applier.ApplyBlock(registryState, context, broken is null ? registryTransactions : []);
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
}
