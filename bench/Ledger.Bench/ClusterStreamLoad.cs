using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;

namespace Ledger.Bench;

/// <summary>
/// Ledger load over <c>SubmitStream</c>: a fixed number of clients, each one bidirectional stream that
/// carries several submissions at once (matched to answers by correlation id), which costs the client
/// and the server far less per submission than a unary call each.
/// <list type="bullet">
/// <item>Closed loop: each stream keeps <c>window</c> submissions in flight; latency from each send.</item>
/// <item>Open loop: submission i is due at start + i/rate on stream i mod clients, whatever the earlier
/// ones did; its latency runs from that due time (no coordinated omission: a send delayed by a slow
/// stream or a starved load generator still counts from when it should have left).</item>
/// </list>
/// </summary>
public static class ClusterStreamLoad
{
    /// <summary>How long answers are awaited after the last send.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(15);

    public static async Task<PhaseSummary> RunClosedAsync(string label, string url, int clients, int window, ArraySegment<SubmitRequest> requests, TimeSpan duration)
    {
        var run = new Run(label, requests.Count);
        using var channel = GrpcChannels.Create(url);
        var api = new LedgerApi.LedgerApiClient(channel);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource(duration + DrainLimit);
        var lanes = new Task[clients];
        for (var c = 0; c < clients; c++)
        {
            lanes[c] = Task.Run(async () =>
            {
                using var call = api.SubmitStream(cancellationToken: stop.Token);
                using var slots = new SemaphoreSlim(window, window);
                var sentAt = new ConcurrentDictionary<ulong, long>();
                var reader = run.ReadAnswersAsync(call, sentAt, slots);
                try
                {
                    while (Stopwatch.GetTimestamp() < deadline)
                    {
                        await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                        var index = Interlocked.Increment(ref next);
                        if (index >= requests.Count)
                        {
                            break;
                        }

                        var request = requests[index];
                        request.CorrelationId = (ulong)index + 1;
                        sentAt[request.CorrelationId] = Stopwatch.GetTimestamp();
                        await call.RequestStream.WriteAsync(request, stop.Token).ConfigureAwait(false);
                    }

                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
                {
                    run.ShowFirstError(e);
                }

                await reader.ConfigureAwait(false);
                run.CountUnanswered(sentAt.Count);
            });
        }

        await Task.WhenAll(lanes).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return run.Summarize(elapsed, missing: run.Unanswered);
    }

    public static async Task<PhaseSummary> RunOpenAsync(string label, string url, int clients, double ratePerSecond, ArraySegment<SubmitRequest> requests)
    {
        var operations = requests.Count;
        var run = new Run(label, operations);
        using var channel = GrpcChannels.Create(url);
        var api = new LedgerApi.LedgerApiClient(channel);
        var duration = TimeSpan.FromSeconds(operations / ratePerSecond);
        using var stop = new CancellationTokenSource(duration + DrainLimit);
        var due = new Channel<(int Index, long DueAt)>[clients];
        var lanes = new Task[clients];
        for (var c = 0; c < clients; c++)
        {
            var queue = Channel.CreateBounded<(int Index, long DueAt)>(new BoundedChannelOptions((operations / clients) + 1) { SingleReader = true, SingleWriter = true });
            due[c] = queue;
            lanes[c] = Task.Run(async () =>
            {
                using var call = api.SubmitStream(cancellationToken: stop.Token);
                var sentAt = new ConcurrentDictionary<ulong, long>();
                var reader = run.ReadAnswersAsync(call, sentAt, slots: null);
                try
                {
                    await foreach (var (index, dueAt) in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                    {
                        var request = requests[index];
                        request.CorrelationId = (ulong)index + 1;
                        sentAt[request.CorrelationId] = dueAt;
                        await call.RequestStream.WriteAsync(request, stop.Token).ConfigureAwait(false);
                    }

                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
                {
                    run.ShowFirstError(e);
                }

                await reader.ConfigureAwait(false);
                run.CountUnanswered(sentAt.Count);
            });
        }

        var started = Stopwatch.GetTimestamp();
        var ticksPerOperation = Stopwatch.Frequency / ratePerSecond;
        var scheduled = 0;
        while (scheduled < operations)
        {
            var now = Stopwatch.GetTimestamp();
            var dueCount = (int)Math.Min(operations, ((now - started) / ticksPerOperation) + 1);
            for (; scheduled < dueCount; scheduled++)
            {
                due[scheduled % clients].Writer.TryWrite((scheduled, started + (long)(scheduled * ticksPerOperation)));
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        foreach (var queue in due)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(lanes).ConfigureAwait(false);
        // Throughput of an open loop is the offered schedule's length, not the drain's.
        return run.Summarize(duration.TotalSeconds, missing: operations - run.Recorded);
    }

    /// <summary>Latencies and counts of one phase, shared by its streams.</summary>
    private sealed class Run(string label, int capacity)
    {
        private readonly long[] latencies = new long[capacity];
        private int recorded;
        private long failed;
        private long unanswered;
        private int firstErrorShown;

        public async Task ReadAnswersAsync(AsyncDuplexStreamingCall<SubmitRequest, SubmitResponse> call, ConcurrentDictionary<ulong, long> sentAt, SemaphoreSlim? slots)
        {
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
                {
                    var response = call.ResponseStream.Current;
                    if (!sentAt.TryRemove(response.CorrelationId, out var start))
                    {
                        continue;
                    }

                    if (response.Receipt is not null && response.ErrorCode == 0)
                    {
                        latencies[Interlocked.Increment(ref recorded) - 1] = Stopwatch.GetTimestamp() - start;
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        ShowFirstError(new RpcException(new Status((StatusCode)response.ErrorCode, response.ErrorMessage)));
                    }

                    slots?.Release();
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
            {
                ShowFirstError(e);
            }
        }

        public int Recorded => Volatile.Read(ref recorded);

        public long Unanswered => Interlocked.Read(ref unanswered);

        public void CountUnanswered(int count) => Interlocked.Add(ref unanswered, count);

        public void ShowFirstError(Exception e)
        {
            if (Interlocked.Exchange(ref firstErrorShown, 1) == 0)
            {
                Console.Error.WriteLine($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }

        /// <param name="missing">Operations counted as slower than every answered one (unanswered, or never sent).</param>
        public PhaseSummary Summarize(double elapsedSeconds, long missing)
        {
            if (unanswered > 0 || failed > 0)
            {
                Console.Error.WriteLine($"{label}: {failed} failed, {unanswered} unanswered");
            }

            return PhaseSummary.From(label, latencies, recorded, missing, failed + unanswered, elapsedSeconds);
        }
    }
}
