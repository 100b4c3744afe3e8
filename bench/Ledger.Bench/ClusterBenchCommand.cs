using System.Globalization;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;

namespace Ledger.Bench;

/// <summary>
/// <c>cluster</c>: a running 3-node ledger against a running 3-node etcd (both started by
/// <c>bench/run-cluster.sh</c>), same client count, same payload size, same gRPC client stack.
/// Closed loop on each (ledger both by unary Submit and by SubmitStream; the better one is the
/// ledger's figure), then an open loop at a fixed offered rate against the ledger.
/// </summary>
public sealed class ClusterBenchCommand : IBenchCommand
{
    private const int EtcdPoolFactor = 4;

    private static readonly TimeSpan LeaderWaitMax = TimeSpan.FromSeconds(60);

    public string Name => "cluster";

    public string Usage =>
        "--ledger URL[,URL..] --etcd URL[,URL..] --genesis FILE --key MEMBER.key.json [--clients 64] [--payload-bytes 256] [--seconds 20] [--ops-max 100000] [--open-rate 3500]";

    public int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var ledgerUrls = Required(args, "--ledger").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var etcdUrls = Required(args, "--etcd").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in ledgerUrls.Concat(etcdUrls))
        {
            var host = new Uri(url).Host;
            if (host is not ("127.0.0.1" or "localhost" or "[::1]"))
            {
                throw new ArgumentException($"{url}: this benchmark only drives loopback addresses");
            }
        }

        var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(Required(args, "--genesis")).ConfigureAwait(false));
        var signer = KeyFile.Import(await File.ReadAllTextAsync(Required(args, "--key")).ConfigureAwait(false));
        var clients = (int)BenchArguments.PositiveLong(args, "--clients", 64);
        var payloadBytes = (int)BenchArguments.PositiveLong(args, "--payload-bytes", 256);
        var phase = TimeSpan.FromSeconds(BenchArguments.PositiveLong(args, "--seconds", 20));
        var operationsMax = (int)BenchArguments.PositiveLong(args, "--ops-max", 100_000);
        var openRate = BenchArguments.PositiveLong(args, "--open-rate", 3_500);
        var warmup = Math.Min(2_000, operationsMax);
        var openOperations = (int)(openRate * phase.TotalSeconds);

        using var ledger = await LedgerTarget.ConnectAsync(ledgerUrls, LeaderWaitMax).ConfigureAwait(false);
        // etcd requests cost nothing to pre-build, so etcd gets a pool large enough to be bounded by time, not count.
        var etcdOperations = EtcdPoolFactor * operationsMax;
        using var etcd = await EtcdTarget.ConnectAsync(etcdUrls, warmup + etcdOperations, payloadBytes, LeaderWaitMax).ConfigureAwait(false);

        // Nonces only need to be unique per signer key; start past anything an earlier run on the same chain used.
        var firstNonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000;
        var signed = SignedRegistrations.Create(genesis, signer, warmup + (2 * operationsMax) + openOperations, payloadBytes, firstNonce);
        var warm = signed.Slice(0, warmup);
        var unary = signed.Slice(warmup, operationsMax);
        var stream = signed.Slice(warmup + operationsMax, operationsMax);
        var open = signed.Slice(warmup + (2 * operationsMax), openOperations);

        Console.Error.WriteLine($"warm-up: {warmup} ops on each (not measured)");
        await ClosedLoop.RunAsync("ledger warm-up", clients, warmup, phase, (c, i, t) => ledger.SubmitAsync(warm[i], t)).ConfigureAwait(false);
        await ClosedLoop.RunAsync("etcd warm-up", clients, warmup, phase, (c, i, t) => etcd.PutAsync(i, t)).ConfigureAwait(false);

        var results = new List<PhaseSummary>();
        Console.Error.WriteLine($"phase: ledger unary Submit, {clients} clients, {phase.TotalSeconds} s");
        var ledgerUnary = await ClosedLoop.RunAsync("ledger Submit (unary)", clients, operationsMax, phase, (c, i, t) => ledger.SubmitAsync(unary[i], t)).ConfigureAwait(false);
        results.Add(ledgerUnary);

        Console.Error.WriteLine($"phase: ledger SubmitStream, {clients} streams, {phase.TotalSeconds} s");
        ledger.OpenStreams(clients);
        var ledgerStream = await ClosedLoop.RunAsync("ledger SubmitStream", clients, operationsMax, phase, (c, i, t) => ledger.SubmitOnStreamAsync(c, stream[i], t)).ConfigureAwait(false);
        await ledger.CloseStreamsAsync().ConfigureAwait(false);
        results.Add(ledgerStream);

        Console.Error.WriteLine($"phase: etcd Put, {clients} clients, {phase.TotalSeconds} s");
        var etcdPut = await ClosedLoop.RunAsync("etcd Put", clients, etcdOperations, phase, (c, i, t) => etcd.PutAsync(warmup + i, t)).ConfigureAwait(false);
        results.Add(etcdPut);

        Console.Error.WriteLine($"phase: ledger open loop at {openRate} tx/s offered (unary Submit), {phase.TotalSeconds} s");
        var openLoop = await OpenLoop.RunAsync($"ledger open loop {openRate}/s", openRate, openOperations, (c, i, t) => ledger.SubmitAsync(open[i], t)).ConfigureAwait(false);
        results.Add(openLoop);

        var best = ledgerStream.OpsPerSecond > ledgerUnary.OpsPerSecond ? ledgerStream : ledgerUnary;
        var ratio = etcdPut.OpsPerSecond > 0 ? best.OpsPerSecond / etcdPut.OpsPerSecond : 0;
        Console.WriteLine($"clients={clients} ledger_tx_bytes={signed.WireBytes} etcd_value_bytes={payloadBytes} phase_s={phase.TotalSeconds} ledger={ledger.Url} etcd={etcd.Url}");
        Console.WriteLine(PhaseSummary.Header());
        Console.WriteLine("| --- | --: | --: | --: | --: | --: | --: |");
        foreach (var result in results)
        {
            Console.WriteLine(result.Row());
        }

        foreach (var result in new[] { ledgerUnary, ledgerStream })
        {
            if (result.Committed >= operationsMax)
            {
                Console.WriteLine($"  ({result.Label} used every pre-signed transaction before the time limit: raise --ops-max for a longer phase)");
            }
        }

        Console.WriteLine($"ledger figure: {best.Label}; ledger/etcd = {ratio:F2}");
        var p99 = double.IsFinite(openLoop.P99Milliseconds)
            ? openLoop.P99Milliseconds
            : (phase + OpenLoop.DrainLimit).TotalMilliseconds;
        if (!double.IsFinite(openLoop.P99Milliseconds))
        {
            Console.WriteLine($"  (more than 1% of the open loop went unanswered: p99 is at least {p99:F0} ms)");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio_vs_etcd={ratio:F2} ledger_tps={best.OpsPerSecond:F0} etcd_tps={etcdPut.OpsPerSecond:F0} p99_ms_at_3500={p99:F0}"));
        return 0;
    }

    private static string Required(string[] args, string flag)
    {
        var at = Array.IndexOf(args, flag);
        if (at < 0 || at + 1 >= args.Length)
        {
            throw new ArgumentException($"{flag} is required");
        }

        return args[at + 1];
    }
}
