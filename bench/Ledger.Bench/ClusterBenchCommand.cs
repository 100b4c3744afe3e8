using System.Globalization;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;

namespace Ledger.Bench;

/// <summary>
/// <c>cluster</c>: a running 3-node ledger against a running 3-node etcd (both started by
/// <c>bench/run-cluster.sh</c>), same client count, same payload size, same gRPC client stack.
/// Closed loop on each (ledger both by unary Submit, one in flight per client like etcd, and by
/// SubmitStream with <c>--stream-window</c> submissions in flight per client stream; the better one is
/// the ledger's figure), then an open loop at a fixed offered rate against the ledger over
/// SubmitStream, latency measured from each submission's due time. With <c>--pids name=pid,..</c>
/// every phase also reports the CPU seconds each process used and ops per leader CPU-second.
/// </summary>
public sealed class ClusterBenchCommand : IBenchCommand
{
    private const int EtcdPoolFactor = 4;

    /// <summary>Pre-signed transactions for the pipelined SubmitStream phase, in units of --ops-max.</summary>
    private const int StreamOpsFactor = 3;

    private static readonly TimeSpan LeaderWaitMax = TimeSpan.FromSeconds(60);

    public string Name => "cluster";

    public string Usage =>
        "--ledger URL[,URL..] --etcd URL[,URL..] --genesis FILE --key MEMBER.key.json [--clients 64] [--payload-bytes 256] [--seconds 20] [--ops-max 100000] [--open-rate 3500] [--stream-window 16] [--pids name=pid,..] [--phases unary,stream,etcd,open] [--ledger-metrics URL,..] [--warmup-ops 40000] [--warmup-seconds 15]";

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
        // The nodes' JIT keeps re-compiling hot code (tiered compilation) for well over the first
        // seconds of load; a node in service has long finished, so the stream warm-up runs until then.
        var streamWarmup = (int)BenchArguments.PositiveLong(args, "--warmup-ops", 40_000);
        var streamWarmupTime = TimeSpan.FromSeconds(BenchArguments.PositiveLong(args, "--warmup-seconds", 15));
        var openOperations = (int)(openRate * phase.TotalSeconds);
        var streamWindow = (int)BenchArguments.PositiveLong(args, "--stream-window", 16);
        var streamOperations = StreamOpsFactor * operationsMax;
        var cpu = ClusterProcessCpu.Parse(Optional(args, "--pids"));
        // A subset of phases is for diagnosis (e.g. only the open loop while working on latency); the
        // closing line needs every phase, so a partial run does not print it.
        var phases = BenchPhases.Parse(Optional(args, "--phases"));

        using var ledger = await LedgerTarget.ConnectAsync(ledgerUrls, LeaderWaitMax).ConfigureAwait(false);
        var leaderName = $"ledger-{Array.IndexOf(ledgerUrls, ledger.Url) + 1}";
        // The leader's own stage timings per phase, when the nodes serve metrics (same order as --ledger).
        var metricsUrls = Optional(args, "--ledger-metrics")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var leaderMetrics = metricsUrls is not null && metricsUrls.Length == ledgerUrls.Length ? metricsUrls[Array.IndexOf(ledgerUrls, ledger.Url)] : null;
        using var metricsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // etcd requests cost nothing to pre-build, so etcd gets a pool large enough to be bounded by time, not count.
        var etcdOperations = EtcdPoolFactor * operationsMax;
        using var etcd = await EtcdTarget.ConnectAsync(etcdUrls, warmup + etcdOperations, payloadBytes, LeaderWaitMax).ConfigureAwait(false);

        // Nonces only need to be unique per signer key; start past anything an earlier run on the same chain used.
        var firstNonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000;
        var signed = SignedRegistrations.Create(genesis, signer, warmup + streamWarmup + operationsMax + streamOperations + openOperations, payloadBytes, firstNonce);
        // Before the clusters are loaded: the machine's ceiling for signature checks, which the door makes once per submission.
        var (verifyCeiling, verifyCpuMicroseconds) = signed.MeasureVerification(genesis, signer, 20_000, TimeSpan.FromSeconds(3));
        var warm = signed.Slice(0, warmup);
        var warmStream = signed.Slice(warmup, streamWarmup);
        var unary = signed.Slice(warmup + streamWarmup, operationsMax);
        var stream = signed.Slice(warmup + streamWarmup + operationsMax, streamOperations);
        var open = signed.Slice(warmup + streamWarmup + operationsMax + streamOperations, openOperations);

        Console.Error.WriteLine($"warm-up: {warmup} unary ops on each, then up to {streamWarmup} streamed ops or {streamWarmupTime.TotalSeconds} s on the ledger (not measured)");
        await ClosedLoop.RunAsync("ledger warm-up", clients, warmup, phase, (c, i, t) => ledger.SubmitAsync(warm[i], t)).ConfigureAwait(false);
        await ClusterStreamLoad.RunClosedAsync("ledger stream warm-up", ledger.Url, clients, streamWindow, warmStream, streamWarmupTime).ConfigureAwait(false);
        await ClosedLoop.RunAsync("etcd warm-up", clients, warmup, phase, (c, i, t) => etcd.PutAsync(i, t)).ConfigureAwait(false);

        var results = new List<PhaseSummary>();
        var cpuLines = new List<string>();
        var cpuByPhase = new Dictionary<string, CpuPerOperation>(StringComparer.Ordinal);

        // One phase: its CPU per process and, for the ledger's, the leader's stage timings over exactly that phase.
        async Task<PhaseSummary> MeasureAsync(bool selected, string label, string announcement, string cpuLeader, bool ledgerPhase, Func<string, Task<PhaseSummary>> run)
        {
            if (!selected)
            {
                return PhaseSummary.Skipped(label);
            }

            Console.Error.WriteLine($"phase: {announcement}, {phase.TotalSeconds} s");
            var stagesBefore = ledgerPhase ? await NodeMetricsScrape.ReadAsync(metricsHttp, leaderMetrics).ConfigureAwait(false) : null;
            var checksBefore = ledgerPhase ? await SignatureCheckScrape.ReadAsync(metricsHttp, metricsUrls).ConfigureAwait(false) : null;
            var before = cpu.Sample();
            var result = await run(label).ConfigureAwait(false);
            var after = cpu.Sample();
            cpuLines.Add(cpu.Describe(label, before, after, result.Committed, cpuLeader));
            var checks = ledgerPhase && checksBefore is not null && await SignatureCheckScrape.ReadAsync(metricsHttp, metricsUrls).ConfigureAwait(false) is { } checksAfter
                ? checksAfter.Minus(checksBefore)
                : null;
            var cost = new CpuPerOperation(CpuPerOperation.GroupSeconds(cpu, before, after, "ledger-"), CpuPerOperation.GroupSeconds(cpu, before, after, "etcd-"), checks, result.Committed);
            cpuByPhase[label] = cost;
            if (ledgerPhase)
            {
                cpuLines.Add(NodeMetricsScrape.Describe(label, stagesBefore, await NodeMetricsScrape.ReadAsync(metricsHttp, leaderMetrics).ConfigureAwait(false)));
                cpuLines.Add(cost.DescribeSignatures(label, verifyCpuMicroseconds));
            }

            results.Add(result);
            return result;
        }

        var ledgerUnary = await MeasureAsync(phases.Unary, "ledger Submit (unary)", $"ledger unary Submit, {clients} clients", leaderName, ledgerPhase: true,
            label => ClosedLoop.RunAsync(label, clients, operationsMax, phase, (c, i, t) => ledger.SubmitAsync(unary[i], t))).ConfigureAwait(false);
        var ledgerStream = await MeasureAsync(phases.Stream, $"ledger SubmitStream x{streamWindow}", $"ledger SubmitStream, {clients} streams x {streamWindow} in flight", leaderName, ledgerPhase: true,
            label => ClusterStreamLoad.RunClosedAsync(label, ledger.Url, clients, streamWindow, stream, phase)).ConfigureAwait(false);
        var etcdPut = await MeasureAsync(phases.Etcd, "etcd Put", $"etcd Put, {clients} clients", "etcd-1", ledgerPhase: false,
            label => ClosedLoop.RunAsync(label, clients, etcdOperations, phase, (c, i, t) => etcd.PutAsync(warmup + i, t))).ConfigureAwait(false);
        var openLoop = await MeasureAsync(phases.Open, $"ledger open loop {openRate}/s", $"ledger open loop at {openRate} tx/s offered (SubmitStream, {clients} streams)", leaderName, ledgerPhase: true,
            label => ClusterStreamLoad.RunOpenAsync(label, ledger.Url, clients, openRate, open)).ConfigureAwait(false);

        var best = ledgerStream.OpsPerSecond > ledgerUnary.OpsPerSecond ? ledgerStream : ledgerUnary;
        var ratio = etcdPut.OpsPerSecond > 0 ? best.OpsPerSecond / etcdPut.OpsPerSecond : 0;
        Console.WriteLine($"clients={clients} ledger_tx_bytes={signed.WireBytes} etcd_value_bytes={payloadBytes} phase_s={phase.TotalSeconds} ledger={ledger.Url} etcd={etcd.Url}");
        Console.WriteLine(PhaseSummary.Header());
        Console.WriteLine("| --- | --: | --: | --: | --: | --: | --: |");
        foreach (var result in results)
        {
            Console.WriteLine(result.Row());
        }

        foreach (var line in cpuLines)
        {
            Console.WriteLine(line);
        }

        foreach (var (result, available) in new[] { (ledgerUnary, operationsMax), (ledgerStream, streamOperations) })
        {
            if (result.Committed >= available)
            {
                Console.WriteLine($"  ({result.Label} used every pre-signed transaction before the time limit: raise --ops-max for a longer phase)");
            }
        }

        Console.WriteLine($"ledger figure: {best.Label}; ledger/etcd = {ratio:F2}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"signature check ceiling ({genesis.Suite}, all {Environment.ProcessorCount} cores, nothing else running): {verifyCeiling:F0}/s, {verifyCpuMicroseconds:F1} CPU-µs each; the ledger figure spent {best.OpsPerSecond * verifyCpuMicroseconds / 1e6:F2} cores on them alone"));
        var p99 = double.IsFinite(openLoop.P99Milliseconds)
            ? openLoop.P99Milliseconds
            : (phase + OpenLoop.DrainLimit).TotalMilliseconds;
        if (!double.IsFinite(openLoop.P99Milliseconds))
        {
            Console.WriteLine($"  (more than 1% of the open loop went unanswered: p99 is at least {p99:F0} ms)");
        }

        if (!phases.All)
        {
            Console.WriteLine($"  (diagnostic run of phases {phases}: no closing line)");
            return 0;
        }

        // CPU per operation in the phases the closing line's throughput figures come from.
        var nonSignature = cpuByPhase.TryGetValue(best.Label, out var ledgerCost) ? ledgerCost.NonSignatureMicrosecondsPerTransaction(verifyCpuMicroseconds) : double.NaN;
        var etcdPerPut = cpuByPhase.TryGetValue(etcdPut.Label, out var etcdCost) ? etcdCost.EtcdMicrosecondsPerPut : double.NaN;
        if (!double.IsFinite(nonSignature) || !double.IsFinite(etcdPerPut))
        {
            Console.WriteLine("  (CPU per operation needs --pids and --ledger-metrics for every node: NaN where missing)");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio_vs_etcd={ratio:F2} ledger_tps={best.OpsPerSecond:F0} etcd_tps={etcdPut.OpsPerSecond:F0} p99_ms_at_3500={p99:F0} nonsig_cpu_us_per_tx={nonSignature:F0} etcd_cpu_us_per_put={etcdPerPut:F0}"));
        return 0;
    }

    private static string? Optional(string[] args, string flag)
    {
        var at = Array.IndexOf(args, flag);
        return at < 0 || at + 1 >= args.Length ? null : args[at + 1];
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
