using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;
using Ledger.Node.Batching;
using Ledger.Node.DiskSpace;
using Ledger.Node.Peers;
using Ledger.Node.Tracing;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Submission;

/// <summary>
/// Both ends of forwarding. A follower hands its batch to the leader over the peer <c>Forward</c> call
/// (<see cref="ForwardAsync"/>) and keeps its submitters waiting for apply itself; the leader admits the
/// forwarded transactions again at its own door and queues them for its batcher (<see cref="AcceptForwarded"/>).
/// </summary>
internal sealed partial class Forwarder(
    PeerNetwork peers,
    TimeProvider timeProvider,
    SubmissionGate gate,
    PendingReceipts pendingReceipts,
    TransactionBatcher batcher,
    LeaderRedirect redirect,
    BatchFailure failure,
    DiskSpaceGuard diskSpace,
    ILogger<Forwarder> logger)
{
    /// <summary>Follower side: sends the batch to <paramref name="leader"/>; refused transactions fail their waiters.</summary>
    public async Task ForwardAsync(IReadOnlyList<PendingTransaction> batch, ulong leader, CancellationToken cancellationToken)
    {
        // Current while the call runs: the Forward request carries its traceparent to the leader.
        using var span = NodeTracing.StartForward(batch, TraceContextOf, peers.LocalNodeId);
        var client = leader == 0 ? null : peers.ClientFor(leader);
        if (client is null)
        {
            failure.FailBatch(batch, StatusCode.Unavailable, leader == 0 ? "no leader is known; retry shortly" : "the leader cannot be reached from this node; retry at the leader", leader);
            return;
        }

        var request = new ForwardRequest();
        foreach (var pending in batch)
        {
            request.Transactions.Add(SignedTransaction.Parser.ParseFrom(pending.SignedTransactionBytes));
        }

        try
        {
            var response = await client.ForwardAsync(request, NodeTracing.TraceHeaders(span), deadline: timeProvider.GetUtcNow().UtcDateTime.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count && i < response.Errors.Count; i++)
            {
                if (response.Errors[i].Length > 0)
                {
                    pendingReceipts.Fail(batch[i].TransactionHash, response.Errors[i].StartsWith(DiskSpaceGuard.RefusalPrefix, StringComparison.Ordinal)
                        ? new RpcException(new Status(StatusCode.ResourceExhausted, $"leader refused: {response.Errors[i]}"))
                        : redirect.LeaderUnavailable($"leader refused: {response.Errors[i]}", leader));
                }
            }
        }
        catch (RpcException e)
        {
            NodeTracing.Failed(span, e);
            LogForwardFailed(logger, leader, e.Status.Detail);
            failure.FailBatch(batch, StatusCode.Unavailable, $"forwarding to the leader failed: {e.Status.Detail}", leader);
        }
    }

    /// <summary>Leader side: transactions forwarded by a follower, admitted here again, then batched; the follower waits for apply itself.</summary>
    public ForwardResponse AcceptForwarded(ForwardRequest request)
    {
        var response = new ForwardResponse { LeaderId = redirect.LeaderNodeId() ?? "" };
        // The caller's ledger.accept_forwarded span (a child of the follower's ledger.forward), linked from the batch that carries them.
        var traceContext = System.Diagnostics.Activity.Current?.Context ?? default;
        var transactions = request.Transactions;
        var errors = new string[transactions.Count];
        if (diskSpace.Refusal is { } refusal)
        {
            // Nothing is admitted while this leader's disk is below its reserve; the follower's submitters are told why.
            Array.Fill(errors, refusal);
            response.Errors.Add(errors);
            return response;
        }

        // A forwarded batch arrives on one call: verify its signatures on every core, then queue in order.
        var admitted = new PendingTransaction?[transactions.Count];
        Parallel.For(0, transactions.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                admitted[i] = gate.Admit(transactions[i]);
                errors[i] = "";
            }
            catch (SubmissionRejectedException rejected)
            {
                errors[i] = rejected.Message;
            }
        });
        for (var i = 0; i < admitted.Length; i++)
        {
            if (admitted[i] is { } pending && !batcher.TryEnqueue(traceContext == default ? pending : pending with { TraceContext = traceContext }))
            {
                errors[i] = "leader submission queue full";
            }
        }

        response.Errors.Add(errors);
        return response;
    }

    private static readonly Func<PendingTransaction, System.Diagnostics.ActivityContext> TraceContextOf = pending => pending.TraceContext;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Forwarding a batch to leader {Leader} failed: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, ulong leader, string reason);
}
