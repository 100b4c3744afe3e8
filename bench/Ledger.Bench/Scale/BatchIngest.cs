using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Ledger.Client.Signing;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>What one ingest phase anchored.</summary>
internal sealed record IngestResult(long Batches, long FailedBatches, long Items, double Seconds);

/// <summary>
/// Bulk anchoring through the public door: one producer builds and signs batches in order (the
/// SDK's BatchRegistration and TransactionBuilder), a bounded channel hands them to
/// <c>inFlight</c> submitters, and a batch counts only once its receipt says OK. Memory is bounded
/// by the channel (inFlight built batches waiting, inFlight being submitted).
/// </summary>
internal sealed class BatchIngest(
    LedgerApi.LedgerApiClient ledger,
    TransactionBuilder builder,
    RightsHolder holder,
    ScaleItems items,
    AnchoredBatches anchored,
    int batchItems,
    int inFlight)
{
    private static readonly TimeSpan SubmitDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private const int RetriesMax = 50;

    /// <summary>Wall-clock time spent ingesting, over all phases: the x axis of "items per second".</summary>
    public double IngestSeconds { get; private set; }

    /// <summary>(items anchored, ingest seconds) after every batch, for rates over any slice of the run (16 bytes a batch).</summary>
    public List<(long Items, double Seconds)> Progress { get; } = [];

    private long itemsAnchored;

    public long ItemsAnchored => Interlocked.Read(ref itemsAnchored);

    /// <summary>Anchors batches [<paramref name="fromBatch"/>, <paramref name="toBatch"/>); returns when all are answered.</summary>
    public async Task<IngestResult> RunAsync(long fromBatch, long toBatch, CancellationToken cancellation)
    {
        var queue = Channel.CreateBounded<(long Batch, SignedTransaction Transaction)>(new BoundedChannelOptions(inFlight) { SingleWriter = true });
        var started = Stopwatch.GetTimestamp();
        var phaseStartSeconds = IngestSeconds;
        long done = 0;
        long failed = 0;
        long phaseItems = 0;
        var gate = new object();

        var producer = Task.Run(async () =>
        {
            try
            {
                for (var batch = fromBatch; batch < toBatch; batch++)
                {
                    await queue.Writer.WriteAsync((batch, items.SignedBatch(builder, holder, batch, batchItems)), cancellation).ConfigureAwait(false);
                }
            }
            finally
            {
                queue.Writer.Complete();
            }
        }, cancellation);

        var submitters = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            await foreach (var (batch, transaction) in queue.Reader.ReadAllAsync(cancellation).ConfigureAwait(false))
            {
                var txHash = await SubmitAsync(batch, transaction, cancellation).ConfigureAwait(false);
                lock (gate)
                {
                    done++;
                    if (txHash is null)
                    {
                        failed++;
                    }
                    else
                    {
                        anchored.Record(batch, txHash);
                        phaseItems += batchItems;
                        Interlocked.Add(ref itemsAnchored, batchItems);
                        Progress.Add((ItemsAnchored, phaseStartSeconds + Stopwatch.GetElapsedTime(started).TotalSeconds));
                    }
                }
            }
        }, cancellation)).ToArray();

        await Task.WhenAll(submitters.Append(producer)).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        IngestSeconds += seconds;
        return new IngestResult(done, failed, phaseItems, seconds);
    }

    /// <summary>The committed batch's tx hash, or null when it was rejected or could not be submitted.</summary>
    private async Task<byte[]?> SubmitAsync(long batch, SignedTransaction transaction, CancellationToken cancellation)
    {
        var request = new SubmitRequest { Transaction = transaction, CorrelationId = (ulong)batch };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await ledger.SubmitAsync(request, deadline: DateTime.UtcNow + SubmitDeadline, cancellationToken: cancellation).ConfigureAwait(false);
                if (response.Receipt is not { } receipt)
                {
                    Console.Error.WriteLine($"batch {batch}: no receipt ({response.ErrorCode} {response.ErrorMessage})");
                    return null;
                }

                if (receipt.Result.Code != ResultCode.Ok)
                {
                    Console.Error.WriteLine($"batch {batch} rejected: {receipt.Result.Reason}");
                    return null;
                }

                return receipt.TxHash.ToByteArray();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && attempt < RetriesMax)
            {
                // A full queue or a node mid-restart: the same signed bytes again (same nonce, same hash) are safe.
                await Task.Delay(RetryDelay, cancellation).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"batch {batch} failed: {e.StatusCode} {e.Status.Detail}");
                return null;
            }
        }
    }
}
