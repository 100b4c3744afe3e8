using System.Diagnostics;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Model;

namespace Ledger.Bench.Scale;

/// <summary>The five read paths the scale bench times, each against a random earlier item or log size.</summary>
internal sealed record StepLatencies(
    LatencySummary Inclusion,
    LatencySummary Consistency,
    LatencySummary WorkById,
    LatencySummary ByContentHash,
    LatencySummary Similar,
    double SimilarFirstMilliseconds);

/// <summary>
/// Queries through the public gRPC API of the node (the door clients use), each on an item picked
/// uniformly from everything anchored so far, so a growing store shows up as colder reads.
/// </summary>
/// <remarks>
/// Each kind is sampled after <see cref="LatencySampler.WarmupCalls"/> untimed calls, with the load paused (RocksDB's
/// compactions go on), and beside the client's latency the node's own figures for the same calls are read from
/// its metrics (<paramref name="server"/>: method name to probe; null: none): handler time and CPU per call, and the node
/// process's CPU per call, which also holds the background work that competed with the calls.
/// </remarks>
internal sealed class QueryProbes(LedgerApi.LedgerApiClient ledger, RegistryQuery.RegistryQueryClient registry, ScaleItems items, AnchoredBatches batches, int batchItems, Func<string, IServerSideProbe>? server = null)
{
    /// <summary>Similar-works radius: wide enough that the index is searched, not only probed for an exact match.</summary>
    public const uint SimilarMaxDistance = 4;

    public const uint SimilarLimit = 10;

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Generous: the first similar-works query after a start may build the index from every stored image.</summary>
    public static readonly TimeSpan FirstSimilarDeadline = TimeSpan.FromMinutes(30);

    /// <summary>Times one similar-works query on a random earlier item (the first after a restart builds the node's index); seconds.</summary>
    public async Task<double> FirstSimilarSecondsAsync(long batchesBelow, int seed)
    {
        if (batches.Pick(new Random(seed), batchesBelow) is not { } picked)
        {
            return double.NaN;
        }

        var started = Stopwatch.GetTimestamp();
        await registry.FindSimilarWorksAsync(new FindSimilarWorksRequest { PerceptualHash = items.PerceptualHash(picked.Batch, 0), MaxDistance = SimilarMaxDistance, Limit = SimilarLimit }, deadline: DateTime.UtcNow + FirstSimilarDeadline).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public async Task<StepLatencies> MeasureAsync(long batchesBelow, ulong logSize, int samples, int concurrency, int seed)
    {
        var random = new Random(seed);
        var gate = new object();
        (long Batch, byte[] TxHash, int Item)? Pick(bool withPerceptual)
        {
            lock (gate)
            {
                if (batches.Pick(random, batchesBelow) is not { } picked)
                {
                    return null;
                }

                var item = random.Next(batchItems);
                if (withPerceptual)
                {
                    item -= item % items.PerceptualEvery;
                }

                return (picked.Batch, picked.TxHash, item);
            }
        }

        ulong NextSize()
        {
            lock (gate)
            {
                return 1 + (ulong)random.NextInt64((long)Math.Max(1, logSize - 1));
            }
        }

        // One similar-works query first, timed alone: the node builds its in-memory similarity index
        // on the first such query after a start, which would otherwise land in the sampled p99.
        var firstStarted = Stopwatch.GetTimestamp();
        if (Pick(true) is { } first)
        {
            await registry.FindSimilarWorksAsync(new FindSimilarWorksRequest { PerceptualHash = items.PerceptualHash(first.Batch, first.Item), MaxDistance = SimilarMaxDistance, Limit = SimilarLimit }, deadline: DateTime.UtcNow + FirstSimilarDeadline).ConfigureAwait(false);
        }

        var similarFirst = Stopwatch.GetElapsedTime(firstStarted).TotalMilliseconds;

        var inclusion = await LatencySampler.RunAsync(samples, concurrency, async _ =>
        {
            if (Pick(false) is not { } target)
            {
                return false;
            }

            var proof = await ledger.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = ByteString.CopyFrom(target.TxHash) }, deadline: Deadline()).ConfigureAwait(false);
            return proof.Proof is not null;
        }, server?.Invoke("GetInclusionProof")).ConfigureAwait(false);

        var consistency = await LatencySampler.RunAsync(samples, concurrency, async _ =>
        {
            var proof = await ledger.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = NextSize(), SecondSize = logSize }, deadline: Deadline()).ConfigureAwait(false);
            return proof is not null;
        }, server?.Invoke("GetConsistencyProof")).ConfigureAwait(false);

        var workById = await LatencySampler.RunAsync(samples, concurrency, async _ =>
        {
            if (Pick(false) is not { } target)
            {
                return false;
            }

            var workId = WorkIds.Create(target.TxHash, (uint)target.Item);
            var response = await registry.GetWorkAsync(new GetWorkRequest { WorkId = ByteString.CopyFrom(workId) }, deadline: Deadline()).ConfigureAwait(false);
            return response.Work is not null;
        }, server?.Invoke("GetWork")).ConfigureAwait(false);

        var byContent = await LatencySampler.RunAsync(samples, concurrency, async _ =>
        {
            if (Pick(false) is not { } target)
            {
                return false;
            }

            var response = await registry.FindByContentHashAsync(new FindByContentHashRequest { Sha256 = ByteString.CopyFrom(items.ContentHash(target.Batch, target.Item)) }, deadline: Deadline()).ConfigureAwait(false);
            return response.Work is not null;
        }, server?.Invoke("FindByContentHash")).ConfigureAwait(false);

        var similar = await LatencySampler.RunAsync(samples, concurrency, async _ =>
        {
            if (Pick(true) is not { } target)
            {
                return false;
            }

            // A near neighbour of a stored hash (two bits flipped): the match must be found by distance, not equality.
            var probe = items.PerceptualHash(target.Batch, target.Item) ^ 0b101UL;
            var response = await registry.FindSimilarWorksAsync(new FindSimilarWorksRequest { PerceptualHash = probe, MaxDistance = SimilarMaxDistance, Limit = SimilarLimit }, deadline: Deadline()).ConfigureAwait(false);
            return response.Matches.Count > 0;
        }, server?.Invoke("FindSimilarWorks")).ConfigureAwait(false);

        return new StepLatencies(inclusion, consistency, workById, byContent, similar, similarFirst);
    }

    private static DateTime Deadline() => DateTime.UtcNow + CallDeadline;
}
