using System.Runtime.ExceptionServices;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Applying;

namespace Ledger.Cli.Batches;

/// <summary>
/// One run of <c>ledger batch-register</c>, exactly-once across crashes and lost acknowledgements:
/// <list type="number">
/// <item>Skip the acknowledged batches in the manifest, checking its digest against the journal's (a different manifest is refused).</item>
/// <item>Settle every journaled, unacknowledged batch: check its entry against its manifest file and the manifest's batch
/// (a damaged or tampered entry is refused), look its transaction hash up; if applied take that commit, else resubmit the
/// very same signed bytes. A journaled batch is never signed again.</item>
/// <item>Stream the rest: read a batch, sign it, journal manifest and signed bytes durably, submit; at most
/// <see cref="BatchRunSettings.InFlight"/> submissions outstanding, acknowledged strictly in order.</item>
/// </list>
/// Memory: the batch being read plus the in-flight ones, whatever the manifest's length.
/// A manifest error or a failed batch stops reading; the batches already in flight are still acknowledged
/// (a failure of one cancels the later ones, whose journal entries a rerun settles).
/// </summary>
public sealed class BatchRegisterRun
{
    private readonly IManifestReader reader;
    private readonly BatchJournal journal;
    private readonly IBatchLedger ledger;
    private readonly Func<BuiltBatch, SignedTransaction> sign;
    private readonly BatchRunSettings settings;

    public BatchRegisterRun(IManifestReader reader, BatchJournal journal, IBatchLedger ledger, Func<BuiltBatch, SignedTransaction> sign, BatchRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(sign);
        ArgumentNullException.ThrowIfNull(settings);
        if (ManifestBounds.CheckOptions(settings.BatchSize, settings.InFlight) is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        this.reader = reader;
        this.journal = journal;
        this.ledger = ledger;
        this.sign = sign;
        this.settings = settings;
    }

    /// <summary>Called after each batch is acknowledged (state advanced), in batch order.</summary>
    public Action<BatchAcknowledgement>? Acknowledged { get; init; }

    public async Task<BatchRunSummary> RunAsync(CancellationToken cancellation)
    {
        var resumedAfter = journal.State.BatchesDone;
        var itemsBefore = journal.State.ItemsDone;
        SkipAcknowledged();
        var (recovered, resubmitted) = await SettleJournalAsync(cancellation).ConfigureAwait(false);
        await StreamAsync(cancellation).ConfigureAwait(false);
        return new BatchRunSummary(journal.State.BatchesDone, journal.State.ItemsDone, resumedAfter, recovered, resubmitted, journal.State.ItemsDone - itemsBefore);
    }

    private void SkipAcknowledged()
    {
        var state = journal.State;
        long items = 0;
        for (var b = 0; b < state.BatchesDone; b++)
        {
            var count = reader.ReadBatch([], settings.BatchSize, skip: true);
            if (count == 0)
            {
                throw SourceChanged(b, $"it ends after {b} batches, the journal counts {state.BatchesDone} acknowledged");
            }

            items += count;
        }

        if (state.BatchesDone > 0)
        {
            RequireSameSource(state.BatchesDone - 1, state.SourceSha256);
            if (items != state.ItemsDone)
            {
                throw BatchJournal.Damaged($"state.json counts {state.ItemsDone} items done, the {state.BatchesDone} batches it counts hold {items}");
            }
        }
    }

    private async Task<(int Recovered, int Resubmitted)> SettleJournalAsync(CancellationToken cancellation)
    {
        var recovered = 0;
        var resubmitted = 0;
        foreach (var batch in journal.PendingBatches())
        {
            var (entry, transaction) = journal.ReadEntry(batch);
            var txHash = TransactionHashing.ComputeHash(settings.ChainHash, transaction);
            if (Convert.ToHexStringLower(txHash) != entry.TxHash)
            {
                throw BatchJournal.Damaged($"batch {batch}'s signed bytes hash to {Convert.ToHexStringLower(txHash)}, its entry says {entry.TxHash}");
            }

            // Written before the entry, by the same run: two records of what was signed for this batch must agree.
            var recorded = journal.RecordedTxHash(batch);
            if (recorded != entry.TxHash)
            {
                throw BatchJournal.Damaged($"batch {batch}'s entry holds tx {entry.TxHash}, its manifest file {(recorded is null ? "is missing" : "records tx " + recorded)}");
            }

            var items = new List<BatchItem>(Math.Min(settings.BatchSize, 4096));
            var count = reader.ReadBatch(items, settings.BatchSize, skip: false);
            if (count != entry.ItemCount)
            {
                throw SourceChanged(batch, $"it has {count} items where batch {batch} had {entry.ItemCount}");
            }

            RequireSameSource(batch, entry.SourceSha256);
            if (entry.ItemsEnd != journal.State.ItemsDone + count)
            {
                throw BatchJournal.Damaged($"batch {batch}'s entry says the items end at {entry.ItemsEnd}, the journal's state and the batch's {count} items say {journal.State.ItemsDone + count}");
            }

            if (JournaledBatchProblem(transaction, items) is { } problem)
            {
                throw BatchJournal.Damaged($"batch {batch}'s journaled transaction is not the manifest's batch {batch}: {problem}");
            }

            var commit = await ledger.FindAsync(txHash, cancellation).ConfigureAwait(false);
            if (commit is null)
            {
                commit = await ledger.SubmitAsync(transaction, cancellation).ConfigureAwait(false);
                resubmitted++;
            }
            else
            {
                recovered++;
            }

            Acknowledge(batch, entry.TxHash, entry.ItemCount, entry.ItemsEnd, entry.SourceSha256, commit);
        }

        return (recovered, resubmitted);
    }

    private async Task StreamAsync(CancellationToken cancellation)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var inFlight = new Queue<InFlightBatch>(settings.InFlight);
        var nextBatch = journal.State.BatchesDone;
        var itemsEnd = journal.State.ItemsDone;
        ExceptionDispatchInfo? failure = null;
        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var items = new List<BatchItem>(Math.Min(settings.BatchSize, 4096));
                var count = reader.ReadBatch(items, settings.BatchSize, skip: false);
                if (count == 0)
                {
                    break;
                }

                // A batch signed before (its manifest file records the hash) must not be signed again if it was committed:
                // the journal lost its entry or state (a restored backup, a deleted file), and a new signature would commit it twice.
                if (journal.RecordedTxHash(nextBatch) is { } signedBefore && await ledger.FindAsync(Convert.FromHexString(signedBefore), cancellation).ConfigureAwait(false) is { } earlier)
                {
                    throw BatchJournal.Damaged($"batch {nextBatch} was committed before (tx {signedBefore}, block {earlier.BlockHeight}) but the journal counts {journal.State.BatchesDone} batches done and holds no entry for it");
                }

                itemsEnd += count;
                var built = BatchRegistration.Build(items, settings.MediaType, new RightsHolder { MemberId = settings.Holder }, settings.ChainHash);
                var itemsBytes = built.Items.CalculateSize();
                if (itemsBytes > RegistryLimits.BatchItemsBytesMax)
                {
                    // Items with both hashes and long ids: 100,000 of them need more than the node takes.
                    throw CliException.Usage($"batch {nextBatch}'s {count} items are {itemsBytes} bytes, more than a batch carries ({nameof(RegistryLimits.BatchItemsBytesMax)}={RegistryLimits.BatchItemsBytesMax}): choose a smaller --batch-size (nothing of it was signed)");
                }

                var transaction = sign(built);
                var txHash = TransactionHashing.ComputeHash(settings.ChainHash, transaction);
                var entry = new JournalEntry(nextBatch, Convert.ToHexStringLower(txHash), count, itemsEnd, reader.SourceDigestHex());
                // Durable before the submit: after any crash from here on, a rerun finds these bytes and never signs this batch again.
                journal.WriteManifest(nextBatch, built, txHash);
                journal.WriteEntry(entry, transaction);
                inFlight.Enqueue(new InFlightBatch(entry, ledger.SubmitAsync(transaction, stopping.Token)));
                nextBatch++;
                if (inFlight.Count == settings.InFlight)
                {
                    try
                    {
                        await AcknowledgeOldestAsync(inFlight, cancellation).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // No batch after a failed one may be acknowledged: state advances in order only.
                        await stopping.CancelAsync().ConfigureAwait(false);
                        throw;
                    }
                }
            }
        }
        catch (Exception exception)
        {
            failure = ExceptionDispatchInfo.Capture(exception);
        }

        // What is in flight is still acknowledged in order, up to the first that failed; the rest are cancelled.
        while (inFlight.Count > 0)
        {
            if (stopping.IsCancellationRequested)
            {
                await ForgetAsync(inFlight.Dequeue()).ConfigureAwait(false);
                continue;
            }

            try
            {
                await AcknowledgeOldestAsync(inFlight, cancellation).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failure ??= ExceptionDispatchInfo.Capture(exception);
                await stopping.CancelAsync().ConfigureAwait(false);
            }
        }

        if (failure is not null)
        {
            // A stop asked for surfaces as one (the client reports a cancelled call as an RpcException).
            cancellation.ThrowIfCancellationRequested();
            failure.Throw();
        }
    }

    private async Task AcknowledgeOldestAsync(Queue<InFlightBatch> inFlight, CancellationToken cancellation)
    {
        var oldest = inFlight.Peek();
        try
        {
            var commit = await oldest.Submission.ConfigureAwait(false);
            // Once a stop is asked for, nothing more is acknowledged: what is in flight stays journaled for the rerun.
            cancellation.ThrowIfCancellationRequested();
            Acknowledge(oldest.Entry.Batch, oldest.Entry.TxHash, oldest.Entry.ItemCount, oldest.Entry.ItemsEnd, oldest.Entry.SourceSha256, commit);
        }
        finally
        {
            inFlight.Dequeue();
        }
    }

    private static async Task ForgetAsync(InFlightBatch batch)
    {
        try
        {
            await batch.Submission.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled after an earlier failure: its journal entry stays for the rerun to settle.
        }
    }

    private void Acknowledge(int batch, string txHash, int itemCount, long itemsEnd, string sourceSha256, BatchCommit commit)
    {
        if (commit.Code != ResultCode.Ok)
        {
            throw new CliException(ExitCodes.Rejected, $"batch {batch} (tx {txHash}) was recorded in block {commit.BlockHeight} as rejected: {commit.Reason}; its journal entry in {journal.Directory} stays, so a rerun stops here again: fix the cause and start over with a new --manifest-dir");
        }

        journal.Advance(new JournalState(batch + 1, itemsEnd, sourceSha256));
        Acknowledged?.Invoke(new BatchAcknowledgement(batch, itemCount, commit, reader.UnitsRead));
    }

    /// <summary>Why a journaled transaction is not the batch built from <paramref name="items"/> with this run's settings, or null.</summary>
    private string? JournaledBatchProblem(SignedTransaction transaction, List<BatchItem> items)
    {
        var built = BatchRegistration.Build(items, settings.MediaType, new RightsHolder { MemberId = settings.Holder }, settings.ChainHash);
        TransactionEnvelope envelope;
        BatchRegister body;
        try
        {
            envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
            body = BatchRegister.Parser.ParseFrom(envelope.Body);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException exception)
        {
            return $"its envelope does not parse ({exception.Message})";
        }

        return envelope.Type != TransactionType.BatchRegister ? $"it is a {envelope.Type}"
            : !body.Equals(built.Body) ? "its signed body (items' root, count, media type or holder) differs"
            : !transaction.DetachedItems.Equals(built.Items.ToByteString()) ? "its detached items differ"
            : null;
    }

    private void RequireSameSource(int batch, string recordedSha256)
    {
        var digest = reader.SourceDigestHex();
        if (digest != recordedSha256)
        {
            throw SourceChanged(batch, $"what it lists through batch {batch} has SHA-256 {digest}, the journal recorded {recordedSha256}");
        }
    }

    private CliException SourceChanged(int batch, string detail) =>
        CliException.InvalidInput($"the manifest is not the one this run in {journal.Directory} started with: {detail} (through batch {batch}); resume with the same manifest, or choose a new --manifest-dir");

    private sealed record InFlightBatch(JournalEntry Entry, Task<BatchCommit> Submission);
}

/// <summary>What a run needs besides its parts: batch size, in-flight bound, what every batch registers, the chain's hash.</summary>
public sealed record BatchRunSettings(int BatchSize, int InFlight, MediaType MediaType, string Holder, IHashAlgorithm ChainHash);

public sealed record BatchAcknowledgement(int Batch, int ItemCount, BatchCommit Commit, long SourceUnitsRead);

/// <summary>After a run: totals over the whole manifest, and what this run did (batches found committed from the journal, resubmitted, items anchored now).</summary>
public sealed record BatchRunSummary(int Batches, long Items, int ResumedAfterBatches, int RecoveredFromJournal, int Resubmitted, long AnchoredNow);
