using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Chaos.History;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Hooks;

/// <summary>
/// The harness's own small workload until the workload helper's clients are plugged in: registrations
/// of fresh content at the given rate, each retried (the same signed transaction) on another node
/// while the cluster has no leader, every invocation and outcome recorded.
/// </summary>
public sealed class SubmitWorkload : IChaosWorkload
{
    /// <summary>Submissions in flight at once; above it the workload falls behind its rate rather than pile up.</summary>
    public const int InFlightMax = 512;

    private static readonly TimeSpan SubmitBudget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StopWaitMax = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim inFlight = new(InFlightMax);
    private readonly List<GrpcChannel> channels = [];
    private CancellationTokenSource? stopping;
    private Task? dispatcher;
    private int inFlightCount;

    public async Task StartAsync(WorkloadContext context, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var clients = context.Endpoints.Select(e =>
        {
            var channel = GrpcChannel.ForAddress(e.PublicUrl);
            channels.Add(channel);
            return (e.NodeId, Client: new LedgerApi.LedgerApiClient(channel));
        }).ToArray();
        var token = stopping.Token;
        dispatcher = Task.Run(() => DispatchAsync(context, clients, token), CancellationToken.None);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        if (stopping is null || dispatcher is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await dispatcher.ConfigureAwait(false);
        var waitEnd = DateTime.UtcNow + StopWaitMax;
        while (Volatile.Read(ref inFlightCount) > 0 && DateTime.UtcNow < waitEnd)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }
    }

    private async Task DispatchAsync(WorkloadContext context, (string NodeId, LedgerApi.LedgerApiClient Client)[] clients, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        var next = 0;
        while (!cancel.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * context.RatePerSecond);
            while (sent < due && !cancel.IsCancellationRequested)
            {
                if (!inFlight.Wait(0))
                {
                    // Behind: skip what cannot be sent now instead of bursting later.
                    sent = due;
                    break;
                }

                sent++;
                var clientId = (int)(sent % clients.Length);
                var first = next++;
                Interlocked.Increment(ref inFlightCount);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await SubmitOneAsync(context, clients, clientId, first).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlightCount);
                        inFlight.Release();
                    }
                }, CancellationToken.None);
            }

            try
            {
                await Task.Delay(TickInterval, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task SubmitOneAsync(WorkloadContext context, (string NodeId, LedgerApi.LedgerApiClient Client)[] clients, int clientId, int attempt)
    {
        var content = RandomNumberGenerator.GetBytes(32);
        var transaction = context.Consortium.RegisterWork(contentSha256: content);
        var target = clients[attempt % clients.Length];
        var operation = context.Recorder.Invoke(clientId, OperationKind.Register, Convert.ToHexStringLower(content), target.NodeId);
        if (operation is null)
        {
            return;
        }

        var budgetEnd = DateTime.UtcNow + SubmitBudget;
        var sentOnce = false;
        while (true)
        {
            try
            {
                sentOnce = true;
                var response = await target.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: budgetEnd).ConfigureAwait(false);
                var receipt = response.Receipt;
                context.Recorder.Complete(operation, operation with
                {
                    Outcome = receipt.Result.Code == ResultCode.Ok ? OutcomeKind.Ok : OutcomeKind.Failed,
                    TransactionHash = Convert.ToHexStringLower(receipt.TxHash.Span),
                    BlockHeight = receipt.BlockHeight,
                    Position = (int)receipt.Position,
                    Error = receipt.Result.Code == ResultCode.Ok ? null : $"rejected: {receipt.Result.Reason}",
                });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow + RetryDelay < budgetEnd)
            {
                attempt++;
                target = clients[attempt % clients.Length];
                await Task.Delay(RetryDelay).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                // Refusals before anything was proposed are definite; anything else may have taken effect.
                var definite = e.StatusCode is StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.FailedPrecondition;
                context.Recorder.Complete(operation, operation with
                {
                    Outcome = definite || !sentOnce ? OutcomeKind.Failed : OutcomeKind.Unknown,
                    Error = $"{e.StatusCode}: {e.Status.Detail}",
                });
                return;
            }
        }
    }
}
