using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;

namespace Ledger.Bench;

/// <summary>
/// <c>fill</c>: commits a number of signed RegisterWork transactions to a running ledger through its
/// real write path (the door, its signature check, batching, Raft, apply), as fast as it takes them:
/// SubmitStream, closed loop. Each registration is one transaction of the log, so this is the
/// quickest honest way to a chain of N transactions (a BatchRegister of many items is still one
/// transaction). Signs chunk by chunk (bounded memory), the next chunk while the current one is
/// submitted. Used by bench/browser/explorer-first-render.sh to build the chain the explorer is
/// timed on. Ends with <c>fill_committed=N fill_failed=N fill_tx_per_s=N</c>.
/// </summary>
public sealed class FillCommand : IBenchCommand
{
    /// <summary>Registrations signed and held at once (~0.5 KiB each in memory).</summary>
    private const int ChunkMax = 200_000;

    /// <summary>Upper bound on one fill, so a typo cannot run a shared machine for days.</summary>
    private const long TransactionsMax = 100_000_000;

    /// <summary>A chunk that takes longer than this is cut (the node has stopped taking load).</summary>
    private static readonly TimeSpan ChunkTimeMax = TimeSpan.FromMinutes(30);

    public string Name => "fill";

    public string Usage =>
        "--ledger URL --genesis FILE --key PLATFORM.key.json --transactions N [--clients 8] [--stream-window 64] [--payload-bytes 200] [--chunk 50000]";

    public int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var url = Required(args, "--ledger");
        var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(Required(args, "--genesis")).ConfigureAwait(false));
        var signer = KeyFile.Import(await File.ReadAllTextAsync(Required(args, "--key")).ConfigureAwait(false));
        var total = BenchArguments.PositiveLong(args, "--transactions", 0);
        if (total is < 1 or > TransactionsMax)
        {
            throw new ArgumentException($"--transactions must be 1..{TransactionsMax}");
        }

        var clients = (int)BenchArguments.PositiveLong(args, "--clients", 8);
        var window = (int)BenchArguments.PositiveLong(args, "--stream-window", 64);
        var payloadBytes = (int)BenchArguments.PositiveLong(args, "--payload-bytes", 200);
        var chunk = (int)Math.Min(BenchArguments.PositiveLong(args, "--chunk", 50_000), ChunkMax);

        // Nonces only need to be unique per signer: start far above any earlier run's, by the clock.
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        long committed = 0;
        long failed = 0;
        var started = Stopwatch.GetTimestamp();
        var next = Task.Run(() => SignedRegistrations.Create(genesis, signer, (int)Math.Min(chunk, total), payloadBytes, nonce));
        for (long sent = 0; sent < total;)
        {
            var requests = await next.ConfigureAwait(false);
            sent += requests.Count;
            nonce += (ulong)requests.Count;
            var remaining = total - sent;
            var nonceOfNext = nonce;
            next = remaining > 0
                ? Task.Run(() => SignedRegistrations.Create(genesis, signer, (int)Math.Min(chunk, remaining), payloadBytes, nonceOfNext))
                : Task.FromResult(requests);
            var summary = await ClusterStreamLoad.RunClosedAsync("fill", url, clients, window, requests.Slice(0, requests.Count), ChunkTimeMax).ConfigureAwait(false);
            committed += summary.Committed;
            failed += summary.Failed;
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fill: {committed:N0} committed, {failed:N0} failed of {sent:N0} sent ({committed / elapsed:F0} tx/s overall, this chunk {summary.OpsPerSecond:F0} tx/s)"));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fill_committed={committed} fill_failed={failed} fill_tx_per_s={committed / seconds:F0}"));
        return failed == 0 ? 0 : 1;
    }

    private static string Required(string[] args, string flag)
    {
        var at = Array.IndexOf(args, flag);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{flag} is required");
    }
}
