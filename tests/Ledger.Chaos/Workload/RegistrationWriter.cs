using Google.Protobuf;
using Grpc.Core;
using Ledger.Chaos.History;
using Ledger.Client;
using Ledger.Client.Signing;
using Ledger.Client.Verification;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Chaos.Workload;

/// <summary>
/// One writing client: takes tokens from the shared bucket, signs that many registrations (fresh content,
/// or now and then another client's recent content hash), records each invocation, and sends them over a
/// SubmitStream to its current node, recording each completion as its answer arrives. Items without a
/// verdict are resent, as the same signed transactions, up to <see cref="WorkloadLimits.SubmitAttemptsMax"/>
/// attempts; a broken stream moves the client to the next node. At most
/// <see cref="WorkloadLimits.StreamsInFlightPerClientMax"/> streams are open at once.
/// </summary>
internal sealed class RegistrationWriter
{
    private readonly int clientId;
    private readonly WorkloadRun context;
    private readonly WorkloadConnections connections;
    private readonly TransactionBuilder builder;
    private readonly string memberId;
    private readonly Random random;
    private long sequence;
    private int currentNode;

    public RegistrationWriter(int clientId, WorkloadRun context, WorkloadConnections connections)
    {
        this.clientId = clientId;
        this.context = context;
        this.connections = connections;
        var signer = context.Options.Signers[clientId % context.Options.Signers.Count];
        memberId = signer.MemberId;
        builder = new TransactionBuilder(signer.Key, context.ChainId, context.Options.TimeProvider);
        random = new Random(WorkloadRun.SeedFor(context.Options.Seed, clientId));
        currentNode = clientId % connections.Count;
    }

    /// <summary>Issues registrations until <paramref name="issuing"/> is cancelled (or the history is full); answers may arrive until <paramref name="drain"/> is.</summary>
    public async Task RunAsync(CancellationToken issuing, CancellationToken drain)
    {
        using var window = new SemaphoreSlim(WorkloadLimits.StreamsInFlightPerClientMax, WorkloadLimits.StreamsInFlightPerClientMax);
        var streams = new List<Task>(WorkloadLimits.TasksBeforePruning + 1);
        try
        {
            while (!context.Counters.HistoryFull)
            {
                await window.WaitAsync(issuing).ConfigureAwait(false);
                PendingRegistration[] batch;
                var node = Volatile.Read(ref currentNode);
                try
                {
                    var count = await context.RegistrationBucket.TakeAsync(WorkloadLimits.StreamItemsMax, issuing).ConfigureAwait(false);
                    batch = Prepare(count, node);
                }
                catch
                {
                    window.Release();
                    throw;
                }

                if (batch.Length == 0)
                {
                    window.Release();
                    break;
                }

                streams.Add(SubmitThenReleaseAsync(batch, node, window, drain));
                if (streams.Count >= WorkloadLimits.TasksBeforePruning)
                {
                    await WorkloadRun.PruneCompletedAsync(streams).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (issuing.IsCancellationRequested)
        {
            // The run is over: stop issuing; what was sent may still complete until the drain ends.
        }

        await Task.WhenAll(streams).ConfigureAwait(false);
    }

    /// <summary>Signs and records up to <paramref name="count"/> registrations (fewer once the history is full), first sent to <paramref name="node"/>.</summary>
    private PendingRegistration[] Prepare(int count, int node)
    {
        var batch = new List<PendingRegistration>(count);
        var nodeId = context.Options.Nodes[node].NodeId;
        for (var i = 0; i < count; i++)
        {
            byte[] content = [];
            var duplicate = random.Next(1000) < context.Options.DuplicatesPerThousand && context.RecentWrites.TryPickOther(clientId, random, out content);
            if (duplicate)
            {
                Interlocked.Increment(ref context.Counters.DeliberateDuplicates);
            }
            else
            {
                content = new byte[32];
                random.NextBytes(content);
            }

            var transaction = builder.RegisterWork(new RegisterWork
            {
                ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(content) },
                MediaType = MediaType.Image,
                Title = $"chaos {clientId}-{sequence++}",
                RightsHolder = new RightsHolder { MemberId = memberId },
            });
            var transactionHash = TransactionHashing.ComputeHash(context.ChainHash, transaction);
            var invoked = context.Recorder.Invoke(clientId, OperationKind.Register, Convert.ToHexStringLower(content), nodeId);
            if (invoked is null)
            {
                // Past the recorder's bound nothing more is sent: an unrecorded write would make reads look wrong.
                context.Counters.HistoryFull = true;
                break;
            }

            if (!duplicate)
            {
                context.RecentWrites.Add(clientId, content);
            }

            Interlocked.Increment(ref context.Counters.Submitted);
            batch.Add(new PendingRegistration(invoked, transaction, transactionHash));
        }

        return [.. batch];
    }

    private async Task SubmitThenReleaseAsync(PendingRegistration[] batch, int firstNode, SemaphoreSlim window, CancellationToken drain)
    {
        try
        {
            await SubmitAsync(batch, firstNode, drain).ConfigureAwait(false);
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>Attempts until every item has a verdict: the first at <paramref name="firstNode"/> (the node its invocations name), later ones at the client's current node.</summary>
    private async Task SubmitAsync(PendingRegistration[] batch, int firstNode, CancellationToken drain)
    {
        var outstanding = new List<PendingRegistration>(batch.Length);
        try
        {
            for (var attempt = 0; attempt < WorkloadLimits.SubmitAttemptsMax && !drain.IsCancellationRequested; attempt++)
            {
                outstanding.Clear();
                foreach (var item in batch)
                {
                    if (!item.Done)
                    {
                        item.AnsweredThisAttempt = false;
                        item.SentThisAttempt = false;
                        outstanding.Add(item);
                    }
                }

                if (outstanding.Count == 0)
                {
                    return;
                }

                if (attempt > 0)
                {
                    Interlocked.Add(ref context.Counters.Retries, outstanding.Count);
                    await Task.Delay(WorkloadRun.Backoff(attempt), context.Options.TimeProvider, drain).ConfigureAwait(false);
                }

                var node = attempt == 0 ? firstNode : Volatile.Read(ref currentNode);
                if (!await StreamAsync(outstanding, node, drain).ConfigureAwait(false))
                {
                    // The node or the connection failed: the next attempt (of every batch of this client) goes to the next node.
                    Interlocked.CompareExchange(ref currentNode, (node + 1) % connections.Count, node);
                }
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            // Drain over: whatever has no verdict is completed below.
        }

        foreach (var item in batch)
        {
            if (!item.Done)
            {
                var error = item.LastError ?? (drain.IsCancellationRequested ? "the run stopped before it was sent" : "no answer");
                Finish(item, item.Indeterminate ? OutcomeKind.Unknown : OutcomeKind.Failed, error);
            }
        }
    }

    /// <summary>One attempt: every outstanding item over one SubmitStream to <paramref name="node"/>. False when the stream itself failed.</summary>
    private async Task<bool> StreamAsync(List<PendingRegistration> outstanding, int node, CancellationToken drain)
    {
        var nodeId = context.Options.Nodes[node].NodeId;
        using var timeout = new CancellationTokenSource(context.Options.AttemptTimeout, context.Options.TimeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(drain, timeout.Token);
        try
        {
            await connections[node].InvokeAsync((api, call) => ExchangeAsync(api, call, outstanding, nodeId), attempt.Token, streaming: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or LedgerUnavailableException or OperationCanceledException or IOException or HttpRequestException)
        {
            var reason = timeout.IsCancellationRequested && !drain.IsCancellationRequested
                ? $"no answer from {nodeId} within {context.Options.AttemptTimeout.TotalSeconds:0.#} s"
                : $"stream to {nodeId} failed: {WorkloadRun.Describe(e)}";
            MarkUnanswered(outstanding, reason);
            return false;
        }

        MarkUnanswered(outstanding, $"{nodeId} closed the stream without answering");
        return true;
    }

    private async Task<int> ExchangeAsync(LedgerApi.LedgerApiClient api, CallOptions call, List<PendingRegistration> outstanding, string nodeId)
    {
        using var stream = api.SubmitStream(call);
        var answers = ReadAnswersAsync(stream.ResponseStream, outstanding, nodeId, call.CancellationToken);
        try
        {
            for (var i = 0; i < outstanding.Count; i++)
            {
                outstanding[i].SentThisAttempt = true;
                await stream.RequestStream.WriteAsync(new SubmitRequest { Transaction = outstanding[i].Transaction, CorrelationId = (ulong)i }, call.CancellationToken).ConfigureAwait(false);
            }

            await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            // Writing failed: end the call so the reader stops too, and let it finish before the items are judged.
            stream.Dispose();
            try
            {
                await answers.ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
            {
                // The write failure is the one that counts.
            }

            throw;
        }

        await answers.ConfigureAwait(false);
        return outstanding.Count;
    }

    private async Task ReadAnswersAsync(IAsyncStreamReader<SubmitResponse> answers, List<PendingRegistration> outstanding, string nodeId, CancellationToken cancellation)
    {
        while (await answers.MoveNext(cancellation).ConfigureAwait(false))
        {
            var answer = answers.Current;
            if (answer.CorrelationId >= (ulong)outstanding.Count)
            {
                continue;
            }

            var item = outstanding[(int)answer.CorrelationId];
            if (item.AnsweredThisAttempt || item.Done)
            {
                continue;
            }

            item.AnsweredThisAttempt = true;
            Judge(item, answer, nodeId);
        }
    }

    private void Judge(PendingRegistration item, SubmitResponse answer, string nodeId)
    {
        var verdict = SubmissionClassifier.Classify(answer);
        if (answer.Receipt is { } receipt && verdict is AttemptVerdict.Acknowledged or AttemptVerdict.CommittedRejection)
        {
            try
            {
                ReceiptVerifier.Verify(receipt, item.TransactionHash, context.ChainHash, context.ChainId);
            }
            catch (ClientVerificationException e)
            {
                Interlocked.Increment(ref context.Counters.InvalidReceipts);
                Finish(item, OutcomeKind.Unknown, $"receipt from {nodeId} does not verify: {e.Message}");
                return;
            }
        }

        switch (verdict)
        {
            case AttemptVerdict.Acknowledged:
                Finish(item, OutcomeKind.Ok, null, answer.Receipt);
                context.RecentAcks.Add(new AcknowledgedRegistration(item.TransactionHash, item.Invoked.WorkKey, context.Options.TimeProvider.GetTimestamp()));
                break;
            case AttemptVerdict.CommittedRejection:
                Finish(item, OutcomeKind.Failed, $"committed as rejected at {nodeId}: {answer.Receipt.Result.Reason}", answer.Receipt);
                break;
            case AttemptVerdict.AppliedElsewhere:
                Finish(item, OutcomeKind.Unknown, $"an earlier copy was applied; this copy committed as rejected at {nodeId}: {answer.Receipt.Result.Reason}");
                break;
            case AttemptVerdict.Refused:
                // A refusal after an attempt that may have proposed it proves nothing about that attempt.
                Finish(item, item.Indeterminate ? OutcomeKind.Unknown : OutcomeKind.Failed, $"{(StatusCode)answer.ErrorCode} from {nodeId}: {answer.ErrorMessage}");
                break;
            case AttemptVerdict.RefusedRetryable:
                item.LastError = $"{(StatusCode)answer.ErrorCode} from {nodeId}: {answer.ErrorMessage}";
                break;
            default:
                item.Indeterminate = true;
                item.LastError = answer.Receipt is null ? $"{(StatusCode)answer.ErrorCode} from {nodeId}: {answer.ErrorMessage}" : $"receipt without a result from {nodeId}";
                break;
        }
    }

    private static void MarkUnanswered(List<PendingRegistration> outstanding, string reason)
    {
        foreach (var item in outstanding)
        {
            if (!item.Done && !item.AnsweredThisAttempt && item.SentThisAttempt)
            {
                item.Indeterminate = true;
                item.LastError = reason;
            }
        }
    }

    private void Finish(PendingRegistration item, OutcomeKind outcome, string? error, Receipt? receipt = null)
    {
        item.Done = true;
        var result = receipt?.Result;
        context.Recorder.Complete(item.Invoked, item.Invoked with
        {
            Outcome = outcome,
            // Known before sending, whatever the outcome: what an indeterminate write would have written.
            TransactionHash = Convert.ToHexStringLower(item.TransactionHash),
            BlockHeight = receipt?.BlockHeight,
            Position = receipt is null ? null : (int)receipt.Position,
            ReferenceTransactionHash = result is null || result.ReferenceTxHash.IsEmpty ? null : Convert.ToHexStringLower(result.ReferenceTxHash.Span),
            Error = error,
        });
        switch (outcome)
        {
            case OutcomeKind.Ok:
                Interlocked.Increment(ref context.Counters.Acknowledged);
                break;
            case OutcomeKind.Failed:
                Interlocked.Increment(ref context.Counters.Failed);
                break;
            default:
                Interlocked.Increment(ref context.Counters.Unknown);
                break;
        }
    }
}
