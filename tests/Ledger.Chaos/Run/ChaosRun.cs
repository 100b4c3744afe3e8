using Ledger.Chaos.Checking;
using Ledger.Chaos.Cluster;
using Ledger.Chaos.Faults;
using Ledger.Chaos.History;
using Ledger.Chaos.Hooks;
using Ledger.Chaos.Options;

namespace Ledger.Chaos.Run;

/// <summary>
/// One chaos run, start to verdict: print the schedule, start the cluster, start the workload, run the
/// faults for the run's length, stop the workload, heal everything, wait for the nodes to converge,
/// check the history and the chains, print the recovery times and the closing line.
/// </summary>
public static class ChaosRun
{
    private static readonly TimeSpan FirstLeaderMax = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConvergenceMax = TimeSpan.FromSeconds(180);
    private const int TopErrorsShown = 5;

    public static async Task<ChaosResult> RunAsync(ChaosOptions options, TextWriter output, ChaosHooks? hooks = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        hooks ??= ChaosHooks.Default;
        var log = new RunLog(output);
        var schedule = FaultSchedule.Generate(options);
        log.WriteRaw($"ledger chaos: seed={options.Seed} seconds={options.DurationSeconds} rate={options.RatePerSecond} nodes={options.NodeCount} bug={options.Bug ?? "none"} faults={string.Join(",", options.FaultKinds.Select(FaultKinds.NameOf))} interval={options.FaultIntervalSeconds}s");
        log.WriteRaw(schedule.Format());
        if (options.ScheduleOnly)
        {
            return new ChaosResult(ChaosResult.ExitPassed, null, null, [], null);
        }

        var cluster = ChaosCluster.Create(options.NodeCount, schedule.MembershipChanges, options.Bug, options.Seed, options.ClientsThroughProxies);
        var passed = false;
        try
        {
            log.Write($"run directory {cluster.RunDirectory}");
            var result = await RunClusterAsync(options, schedule, cluster, hooks, log, cancel).ConfigureAwait(false);
            passed = result.ExitCode == ChaosResult.ExitPassed;
            return result;
        }
        finally
        {
            if (!passed || options.KeepRunDirectory)
            {
                cluster.KeepRunDirectory();
                log.Write($"run directory kept: {cluster.RunDirectory}");
            }

            await cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ChaosResult> RunClusterAsync(ChaosOptions options, FaultSchedule schedule, ChaosCluster cluster, ChaosHooks hooks, RunLog log, CancellationToken cancel)
    {
        cluster.StartAll();
        var (leader, _) = await cluster.WaitForLeaderAsync(FirstLeaderMax, cancel).ConfigureAwait(false);
        log.Write($"{leader.NodeId} leads; starting the workload at {options.RatePerSecond}/s");

        var recorder = new HistoryRecorder();
        // Clients go through their own proxies (link faults may cut or slow them); the checker and probes go direct.
        var endpoints = cluster.AllNodes.Select(n => new NodeEndpoint(n.NodeId, cluster.ClientUrl(n))).ToList();
        var workload = hooks.Workload();
        await workload.StartAsync(new WorkloadContext(endpoints, options.RatePerSecond, recorder, cluster.Consortium, cluster.RunDirectory, options.Seed), cancel).ConfigureAwait(false);

        var recovery = new RecoveryTimer();
        var injector = new FaultInjector(cluster, hooks.DiskCorruptor(), recovery, log, options.Seed);
        using (var faultPhase = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            faultPhase.CancelAfter(options.Duration);
            await injector.RunAsync(schedule, faultPhase.Token).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, faultPhase.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
            }
        }

        log.Write($"{options.DurationSeconds}s of faults done ({injector.FaultsInjected} injected); stopping the workload");
        log.Write(await workload.StopAsync().ConfigureAwait(false));
        await injector.HealAllAsync().ConfigureAwait(false);
        await recovery.DrainAsync().ConfigureAwait(false);

        var violations = new List<string>();
        var probe = await LivenessProbe.CommitOneAsync(cluster, cancel).ConfigureAwait(false);
        if (probe is null)
        {
            violations.Add($"not live: no registration committed within {LivenessProbe.CommitMax.TotalSeconds}s after the heal");
        }
        else
        {
            log.Write($"live: a probe registration committed after the heal (height {probe.BlockHeight})");
        }

        var history = recorder.Snapshot();
        var ackedHeight = history.Where(o => o.Kind == OperationKind.Register && o.Outcome == OutcomeKind.Ok).Select(o => o.BlockHeight ?? 0).DefaultIfEmpty(0UL).Max();
        var (height, lastSeen) = await cluster.WaitForConvergenceAsync(Math.Max(ackedHeight, probe?.BlockHeight ?? 0), ConvergenceMax, cancel).ConfigureAwait(false);
        if (height is null)
        {
            violations.Add($"not converged: the members did not agree on one height >= {ackedHeight} within {ConvergenceMax.TotalSeconds}s after the heal ({lastSeen})");
        }
        else
        {
            log.Write($"converged at height {height} on {string.Join(", ", cluster.Members.Select(n => n.NodeId))}");
        }

        if (recorder.Overflowed)
        {
            log.Write($"history: more than {HistoryRecorder.OperationsMax} operations; the rest were not recorded");
        }

        var members = cluster.Members.Select(n => new NodeEndpoint(n.NodeId, n.PublicUrl)).ToList();
        var verdict = await hooks.Checker().CheckAsync(new CheckContext(history, members, cluster.Consortium.GenesisPath, cluster.RunDirectory), cancel).ConfigureAwait(false);
        violations.AddRange(verdict.Violations.Select(v => $"{v.Kind}: {v.Summary}"));
        foreach (var crashed in cluster.AllNodes.Where(n => n.Crashes > 0))
        {
            violations.Add($"crashed: {crashed.NodeId} stopped on its own {crashed.Crashes} time(s) (last exit code {crashed.LastExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}; see {crashed.NodeId}.log)");
        }

        var closing = new ClosingLine(
            options.DurationSeconds,
            verdict.Acked,
            verdict.Lost,
            verdict.Duplicated,
            verdict.Diverged,
            verdict.NonLinearizable,
            injector.FaultsInjected,
            injector.Disk.Corruptions,
            injector.Disk.Detected,
            injector.Disk.Repaired);
        var failed = violations.Count > 0 || !verdict.Passed;
        if (failed)
        {
            ReportViolation(options, schedule, cluster, verdict, violations, log);
        }

        log.WriteRaw($"operations={history.Count} ok={history.Count(o => o.Outcome == OutcomeKind.Ok)} failed={history.Count(o => o.Outcome == OutcomeKind.Failed)} unknown={history.Count(o => o.Outcome == OutcomeKind.Unknown)}");
        foreach (var (error, count) in HistorySummary.TopErrors(history, TopErrorsShown))
        {
            log.WriteRaw($"  {count} x {error}");
        }

        log.WriteRaw(recovery.Format());
        log.WriteRaw(closing.ToString());
        return new ChaosResult(failed ? ChaosResult.ExitViolation : ChaosResult.ExitPassed, closing, verdict, violations, cluster.RunDirectory);
    }

    private static void ReportViolation(ChaosOptions options, FaultSchedule schedule, ChaosCluster cluster, CheckVerdict verdict, IReadOnlyList<string> violations, RunLog log)
    {
        log.WriteRaw("=== VIOLATION ===");
        log.WriteRaw($"caught: {string.Join("; ", violations.Select(v => v.Split(':')[0]).Distinct())}{(options.Bug is null ? "" : $" (planted bug: {options.Bug})")}");
        foreach (var violation in violations)
        {
            log.WriteRaw($"  {violation}");
        }

        log.WriteRaw($"replay: --seed {options.Seed} --seconds {options.DurationSeconds} --rate {options.RatePerSecond} --nodes {options.NodeCount} --faults {string.Join(",", options.FaultKinds.Select(FaultKinds.NameOf))} --fault-interval {options.FaultIntervalSeconds}{(options.Bug is null ? "" : $" --bug {options.Bug}")}");
        log.WriteRaw(schedule.Format());
        log.WriteRaw($"checker report (with the smallest history slice of each violation; also in {Path.Combine(cluster.RunDirectory, RunChecker.ReportFileName)}):");
        log.WriteRaw(verdict.ToText());

        log.WriteRaw(cluster.RecentOutput());
    }
}
