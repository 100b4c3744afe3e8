using Grpc.Core;
using Ledger.Chaos.History;
using Ledger.Client;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Workload;

/// <summary>
/// One reading client: looks up recently written content hashes (often while their registrations are
/// still in flight) at a random node, half with linearizable consistency (the node confirms through the
/// leader's ReadIndex, as <c>ledger query --linearizable</c> asks) and half at local consistency, and
/// records what the node answered: the registering transaction and its position, or "not registered",
/// with the height the node read at. One read outstanding at a time.
/// </summary>
internal sealed class WorkReader
{
    private readonly int clientId;
    private readonly WorkloadRun context;
    private readonly WorkloadConnections connections;
    private readonly Random random;

    public WorkReader(int clientId, WorkloadRun context, WorkloadConnections connections)
    {
        this.clientId = clientId;
        this.context = context;
        this.connections = connections;
        random = new Random(WorkloadRun.SeedFor(context.Options.Seed, clientId));
    }

    public async Task RunAsync(CancellationToken issuing, CancellationToken drain)
    {
        try
        {
            while (!context.Counters.HistoryFull)
            {
                await context.ReadBucket.TakeAsync(1, issuing).ConfigureAwait(false);
                if (!context.RecentWrites.TryPick(random, out var contentHash))
                {
                    continue;
                }

                var node = random.Next(connections.Count);
                var linearizable = random.Next(2) == 0;
                await ReadAsync(contentHash, node, linearizable, drain).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (issuing.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private async Task ReadAsync(byte[] contentHash, int node, bool linearizable, CancellationToken drain)
    {
        var kind = linearizable ? OperationKind.ReadLinearizable : OperationKind.ReadLocal;
        var nodeId = context.Options.Nodes[node].NodeId;
        var invoked = context.Recorder.Invoke(clientId, kind, Convert.ToHexStringLower(contentHash), nodeId);
        if (invoked is null)
        {
            context.Counters.HistoryFull = true;
            return;
        }

        Interlocked.Increment(ref linearizable ? ref context.Counters.LinearizableReads : ref context.Counters.LocalReads);
        Operation completed;
        try
        {
            var consistency = linearizable ? ReadConsistency.Linearizable : ReadConsistency.Local;
            var answer = await connections[node].FindByContentHashAsync(contentHash, sm3: false, consistency, drain).ConfigureAwait(false);
            var work = answer.Work;
            completed = invoked with
            {
                Outcome = OutcomeKind.Ok,
                TransactionHash = Convert.ToHexStringLower(work.RegisteredTxHash.Span),
                BlockHeight = work.RegisteredAt?.Height,
                Position = work.RegisteredAt is null ? null : (int)work.RegisteredAt.Index,
                AsOfHeight = answer.AsOfHeight,
            };
            Interlocked.Increment(ref context.Counters.ReadsAnswered);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            completed = invoked with { Outcome = OutcomeKind.Ok, TransactionHash = null, AsOfHeight = NotRegisteredAnswer.AsOfHeightIn(e.Status.Detail) };
            Interlocked.Increment(ref context.Counters.ReadsAnswered);
        }
        catch (Exception e) when (e is RpcException or LedgerUnavailableException or OperationCanceledException or IOException or HttpRequestException)
        {
            // A read has no effect: a refusal and a lost answer differ only in what the report says.
            var definite = WorkloadRun.StatusOf(e) is { } status && SubmissionClassifier.ClassifyStatus(status) is AttemptVerdict.Refused or AttemptVerdict.RefusedRetryable;
            completed = invoked with { Outcome = definite ? OutcomeKind.Failed : OutcomeKind.Unknown, Error = WorkloadRun.Describe(e) };
        }

        context.Recorder.Complete(invoked, completed);
    }
}
