using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Ledger.Client.Signing;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Registry.Model;

namespace Ledger.Bench.Scale;

/// <summary>
/// <c>scale</c> (issue 18): grows a real single-node ledger (a child process of the Release node,
/// dev consortium, fsync on) through its public gRPC door to <c>--items</c> batch items, with a
/// steady stream of single registrations beside the bulk load. After every <c>--step</c> items the
/// load pauses and the bench measures the step: rates, proof and query latency on random earlier
/// items, bytes on disk per item by column family, RSS, compaction debt and write stalls, restart
/// to serving and a learner's catch-up. It writes a CSV row and a line per step, growth-curve PNGs,
/// the targets as PASS/MISS and one closing line.
/// </summary>
public sealed class ScaleBenchCommand : IBenchCommand
{
    private static readonly TimeSpan StartWaitMax = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RestartWaitMax = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan ResidentSampleInterval = TimeSpan.FromMilliseconds(500);
    private const string PlatformMemberId = "dev-platform";

    // The first and last 10 % rates span at least this many rounds of the batches in flight (see ScaleSummary.RateBetween).
    private const int RateSliceBatchesMin = 4;

    public string Name => "scale";

    public string Usage => ScaleOptions.Usage;

    public int Run(string[] args) => RunAsync(ScaleOptions.Parse(args)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(ScaleOptions options)
    {
        var nodeDll = NodeBinary.Locate(options.NodeDll);
        Directory.CreateDirectory(options.OutDirectory);
        if (Directory.Exists(options.DataDirectory) && Directory.EnumerateFileSystemEntries(options.DataDirectory).Any())
        {
            throw new ArgumentException($"--data-dir {options.DataDirectory} is not empty: the scale run grows a fresh ledger");
        }

        Directory.CreateDirectory(options.DataDirectory);
        var csvPath = Path.Combine(options.OutDirectory, "scale.csv");
        var nodeLog = Path.Combine(options.OutDirectory, "node.log");
        Console.WriteLine($"load before: {LoadAverage()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: {options.Items} items in batches of {options.BatchItems} ({options.InFlight} in flight), step {options.StepItems}, singles {options.SingleRate}/s, {options.Samples} samples per query, seed {options.Seed}"));
        Console.WriteLine($"scale: node {nodeDll}, data {options.DataDirectory}, results {Path.GetFullPath(options.OutDirectory)}");

        // Interrupted (Ctrl-C, or SIGTERM from a harness): no node may outlive the bench, and its data goes too.
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Interrupted(options));
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Interrupted(options));
        var ports = NodePorts.Free();
        var node = NodeProcess.Start(nodeDll, ports, [.. NodeProcess.DevArguments(options.DataDirectory, ports), .. options.NodeArguments], nodeLog);
        try
        {
            var channel = GrpcChannels.Create(ports.PublicUrl);
            var ledger = new LedgerApi.LedgerApiClient(channel);
            var registry = new RegistryQuery.RegistryQueryClient(channel);
            await NodeServing.WaitAsync(ledger, registry, 0, null, node, StartWaitMax).ConfigureAwait(false);

            var devDirectory = Path.Combine(options.DataDirectory, "dev");
            var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(Path.Combine(devDirectory, "genesis.json")).ConfigureAwait(false));
            var platform = KeyFile.Import(await File.ReadAllTextAsync(Path.Combine(devDirectory, PlatformMemberId + ".key.json")).ConfigureAwait(false));
            var builder = new TransactionBuilder(platform, genesis.ChainId);
            var holder = new RightsHolder { MemberId = PlatformMemberId };
            var items = new ScaleItems(options.Seed, options.PerceptualEvery);
            var batchesTotal = options.Items / options.BatchItems;
            var batchesPerStep = options.StepItems / options.BatchItems;
            var anchored = new AnchoredBatches(batchesTotal);
            var ingest = new BatchIngest(ledger, builder, holder, items, anchored, options.BatchItems, options.InFlight);
            var singles = new SingleStream(ledger, builder, holder, items, options.SingleRate);
            // The node process is replaced at each restart: the probe asks for the current one's CPU.
            var probes = new QueryProbes(ledger, registry, items, anchored, options.BatchItems, method => new NodeReadProbe(ports.MetricsUrl, () => node.CpuSeconds(), method));
            var learner = new LearnerCatchUp(nodeDll, options, devDirectory, ledger, options.OutDirectory);

            await File.WriteAllTextAsync(csvPath, ScaleCsv.Header + "\n").ConfigureAwait(false);
            var steps = new List<StepRecord>();
            IReadOnlyList<string> charts = [];
            long singleItems = 0;
            double? previousStallSeconds = 0;
            var stepsTotal = (int)(options.Items / options.StepItems);
            var runStarted = Stopwatch.GetTimestamp();
            var restartAndLearnerSecondsPerItemMax = 0.0;
            var last = false;
            for (var step = 1; !last; step++)
            {
                var stepStarted = Stopwatch.GetTimestamp();
                // ---- load: batches to the step's end, singles beside them, RSS sampled throughout.
                using var stopSingles = new CancellationTokenSource();
                using var stopSampling = new CancellationTokenSource();
                var nodeCpuBefore = node.CpuSeconds();
                var nodeThreadsBefore = ProcessThreadsCpu.Snapshot(node.Id);
                var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                var singlesRun = singles.RunAsync(stopSingles.Token);
                var residentMax = SampleResidentMaxAsync(node, stopSampling.Token);
                var ingestResult = await ingest.RunAsync((step - 1) * batchesPerStep, step * batchesPerStep, CancellationToken.None).ConfigureAwait(false);
                await stopSingles.CancelAsync().ConfigureAwait(false);
                var singleResult = await singlesRun.ConfigureAwait(false);
                await stopSampling.CancelAsync().ConfigureAwait(false);
                var rssMax = await residentMax.ConfigureAwait(false);
                singleItems += singleResult.Committed;
                var nodeCpu = node.CpuSeconds() - nodeCpuBefore;
                var nodeThreads = ProcessThreadsCpu.Describe(nodeThreadsBefore, ProcessThreadsCpu.Snapshot(node.Id), Math.Max(1, ingestResult.Items), "item");
                var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpuBefore;

                // ---- measure, with the load paused: reads, store, memory.
                var status = await ledger.StatusAsync(new StatusRequest()).ConfigureAwait(false);
                var latencies = await probes.MeasureAsync(step * batchesPerStep, status.LogSize, options.Samples, options.SampleConcurrency, unchecked((int)options.Seed + step)).ConfigureAwait(false);
                var store = await StoreFigures.ReadAsync(ports.MetricsUrl, options.DataDirectory).ConfigureAwait(false);
                double? stallStep = store.WriteStallSecondsTotal is { } stallTotal && previousStallSeconds is { } previous ? stallTotal - previous : null;
                previousStallSeconds = store.WriteStallSecondsTotal;
                var rssNow = node.ResidentBytes();
                rssMax = Math.Max(rssMax, rssNow);

                // ---- restart and learner, when due (always at the last step, which may come early under --minutes).
                last = step == stepsTotal || !NextStepFits(options.Minutes, Stopwatch.GetElapsedTime(runStarted).TotalSeconds, Stopwatch.GetElapsedTime(stepStarted).TotalSeconds,
                    restartAndLearnerSecondsPerItemMax * ingest.ItemsAnchored, restartAndLearnerSecondsPerItemMax * (ingest.ItemsAnchored + options.StepItems));
                if (last && step < stepsTotal)
                {
                    Console.WriteLine($"scale: stopping after step {step} of {stepsTotal}: another step would not fit in --minutes {options.Minutes}");
                }

                var restartAndLearnerStarted = Stopwatch.GetTimestamp();
                RestartFigures? restart = null;
                if (Due(options.RestartEvery, step, last))
                {
                    (node, restart) = await RestartAsync(node, nodeDll, options, ports, ledger, registry, anchored, items, step * batchesPerStep, nodeLog).ConfigureAwait(false);
                    restart = restart with { FirstSimilarSeconds = await probes.FirstSimilarSecondsAsync(step * batchesPerStep, step).ConfigureAwait(false) };
                    previousStallSeconds = 0; // a new process counts stalls from zero
                }

                LearnerFigures? learnerFigures = Due(options.LearnerEvery, step, last)
                    ? await learner.MeasureAsync(step, StoreFigures.DirectoryBytes(options.DataDirectory)).ConfigureAwait(false)
                    : null;
                // Restart, the first similar query after it and a learner's catch-up all grow with the store: kept per item, the largest
                // so far (a step without a learner says little about the next one with one).
                restartAndLearnerSecondsPerItemMax = Math.Max(restartAndLearnerSecondsPerItemMax, Stopwatch.GetElapsedTime(restartAndLearnerStarted).TotalSeconds / Math.Max(1, ingest.ItemsAnchored));

                var record = new StepRecord(step, ingest.ItemsAnchored, singleItems, ingestResult, nodeCpu, benchCpu, singleResult, latencies, store, stallStep,
                    rssMax, rssNow, Environment.WorkingSet, restart, learnerFigures, LoadAverage(), nodeThreads);
                steps.Add(record);
                Console.WriteLine(ScaleCsv.Line(record));
                Console.WriteLine($"  node threads: {nodeThreads}");
                await File.AppendAllTextAsync(csvPath, ScaleCsv.Row(record) + "\n").ConfigureAwait(false);

                // Redrawn every step, so a run cut short still leaves its curves so far.
                charts = TryCharts(steps, options.OutDirectory);
            }

            var auditCsvPath = options.Audit ? await AuditAsync(ports.PublicUrl, genesis, options.OutDirectory).ConfigureAwait(false) : null;
            var summary = Summarize(steps, ingest, RateSliceBatchesMin * options.InFlight * (long)options.BatchItems);
            Console.WriteLine($"csv: {Path.GetFullPath(csvPath)}");
            if (auditCsvPath is not null)
            {
                Console.WriteLine($"csv: {Path.GetFullPath(auditCsvPath)}");
            }

            foreach (var chart in charts)
            {
                Console.WriteLine($"chart: {Path.GetFullPath(chart)}");
            }

            Console.WriteLine($"load after: {LoadAverage()}");
            foreach (var line in summary.TargetLines())
            {
                Console.WriteLine(line);
            }

            Console.WriteLine(summary.ClosingLine());
            return 0;
        }
        finally
        {
            await node.StopAsync().ConfigureAwait(false);
            node.Dispose();
            if (!options.KeepData)
            {
                Directory.Delete(options.DataDirectory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Whether another step still fits the time budget (none: always). Continuing costs this step's
    /// restart and learner, a next step assumed 20 % longer than this one (the store grows), and the
    /// next step's restart and learner (it may be the last); the two restart-and-learner estimates
    /// scale with the items stored.
    /// </summary>
    private static bool NextStepFits(int budgetMinutes, double elapsedSeconds, double thisStepSeconds, double restartAndLearnerNowSeconds, double restartAndLearnerNextSeconds) =>
        budgetMinutes == 0 || elapsedSeconds + restartAndLearnerNowSeconds + (1.2 * thisStepSeconds) + restartAndLearnerNextSeconds <= budgetMinutes * 60.0;

    private static void Interrupted(ScaleOptions options)
    {
        Console.Error.WriteLine("scale: interrupted; stopping the nodes" + (options.KeepData ? "" : " and deleting their data"));
        NodeProcess.KillAll();
        if (!options.KeepData)
        {
            foreach (var directory in new[] { options.DataDirectory }.Concat(LearnerCatchUp.Directories(options)))
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// Audits the whole chain over the network (the load stopped, the node as the last step left it), prints the
    /// audit's line and writes <c>audit.csv</c>; returns its path, or null when the audit was cut off (said on stderr:
    /// the run's figures and closing line do not depend on it).
    /// </summary>
    private static async Task<string?> AuditAsync(string publicUrl, ConsortiumGenesis genesis, string outDirectory)
    {
        Console.WriteLine("scale: auditing the whole chain over the network (as ledger audit --endpoint does)");
        AuditFigures figures;
        try
        {
            figures = await ChainAuditStep.RunAsync(publicUrl, genesis, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Ledger.Client.LedgerUnavailableException or Grpc.Core.RpcException)
        {
            Console.Error.WriteLine($"audit: cut off: {e.Message}");
            return null;
        }

        Console.WriteLine(figures.Line());
        var path = Path.Combine(outDirectory, "audit.csv");
        await File.WriteAllTextAsync(path, string.Join(',', AuditFigures.Columns) + "\n" + figures.Row() + "\n").ConfigureAwait(false);
        return path;
    }

    private static bool Due(int every, int step, bool last) => every > 0 && (last || step % every == 0);

    private static async Task<(NodeProcess Node, RestartFigures Figures)> RestartAsync(
        NodeProcess node, string nodeDll, ScaleOptions options, NodePorts ports,
        LedgerApi.LedgerApiClient ledger, RegistryQuery.RegistryQueryClient registry,
        AnchoredBatches anchored, ScaleItems items, long batchesBelow, string nodeLog)
    {
        var height = (await ledger.StatusAsync(new StatusRequest()).ConfigureAwait(false)).Height;
        var (stopSeconds, exitCode) = await node.StopAsync().ConfigureAwait(false);
        node.Dispose();
        if (exitCode != 0)
        {
            Console.Error.WriteLine($"  node exited with code {exitCode} after SIGTERM (expected 0); see {nodeLog}");
        }

        // The probe: a random earlier batch item, read from the restarted node's registry.
        var picked = anchored.Pick(new Random(unchecked((int)items.Seed)), batchesBelow);
        var probe = picked is { } p ? WorkIds.Create(p.TxHash, 0) : null;
        var restarted = NodeProcess.Start(nodeDll, ports, [.. NodeProcess.DevArguments(options.DataDirectory, ports), .. options.NodeArguments], nodeLog);
        var serving = await NodeServing.WaitAsync(ledger, registry, height, probe, restarted, RestartWaitMax).ConfigureAwait(false);
        return (restarted, new RestartFigures(stopSeconds, exitCode, serving, double.NaN, restarted.ResidentBytes()));
    }

    private static async Task<long> SampleResidentMaxAsync(NodeProcess node, CancellationToken stop)
    {
        long max = 0;
        while (!stop.IsCancellationRequested)
        {
            max = Math.Max(max, node.ResidentBytes());
            try
            {
                await Task.Delay(ResidentSampleInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Math.Max(max, node.ResidentBytes());
    }

    private static ScaleSummary Summarize(IReadOnlyList<StepRecord> steps, BatchIngest ingest, long sliceItemsMin)
    {
        var first = steps[0];
        var end = steps[^1];
        var rocksOrDisk = end.DiskBytesPerItem;
        return new ScaleSummary(
            end.Items,
            ingest.IngestSeconds > 0 ? ingest.ItemsAnchored / ingest.IngestSeconds : 0,
            ScaleSummary.RateBetween(ingest.Progress, 0, 0.1, sliceItemsMin),
            ScaleSummary.RateBetween(ingest.Progress, 0.9, 1, sliceItemsMin),
            rocksOrDisk,
            first.ProofP99Microseconds,
            end.ProofP99Microseconds,
            first.QueryP99Milliseconds,
            end.QueryP99Milliseconds,
            end.Restart?.ServingSeconds);
    }

    private static IReadOnlyList<string> TryCharts(IReadOnlyList<StepRecord> steps, string directory)
    {
        try
        {
            return ScaleCharts.Write(steps, directory);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException)
        {
            // The figures are in the CSV; a missing native Skia must not cost the run its closing line.
            Console.Error.WriteLine($"charts not drawn: {e.Message}");
            return [];
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
