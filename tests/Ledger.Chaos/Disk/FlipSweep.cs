using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Storage.Integrity;

namespace Ledger.Chaos.Disk;

/// <summary>
/// Issue #16's byte-flip sweep over real node processes: commit a workload on a 3-node cluster, then, once
/// per flip, stop a follower, commit a few more registrations without it, flip one random byte of one of its
/// RocksDB files (weighted over SST, blob, WAL and MANIFEST), restart it, and classify what happened
/// (<see cref="FlipCategory"/>) by comparing everything it serves with the leader. A node left damaged or
/// behind is wiped and resynced before the next flip, so every flip starts from a healthy cluster.
/// </summary>
public sealed class FlipSweep
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the sweep waits for the node's own integrity scan (at full speed on a small store) before probing.</summary>
    private static readonly TimeSpan ScanWaitMax = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SubmitDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Concurrent submissions of the initial workload.</summary>
    private const int InitialBurstSubmissions = 50;

    private readonly FlipSweepOptions options;
    private readonly TextWriter output;
    private readonly Random random;
    private readonly DiskCorruptor corruptor;
    private readonly FlippedNodeProbe probe;
    private readonly HealthyChain chain = new();

    /// <summary>Where the time of one flip went ("start 2.1 catch-up 3.0 ..."), printed with its outcome.</summary>
    private readonly FlipPhases phases = new();

    public FlipSweep(FlipSweepOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output;
        random = new Random(options.Seed);
        corruptor = new DiskCorruptor(options.Seed);
        probe = new FlippedNodeProbe(new Random(options.Seed ^ 0x5eed));
    }

    public async Task<FlipSweepReport> RunAsync(CancellationToken cancellationToken)
    {
        using var cluster = SweepCluster.Start();
        var started = DateTime.UtcNow;
        var leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
        await SubmitAsync(cluster, options.InitialTransactions, InitialBurstSubmissions, cancellationToken);

        // Every node restarted once: RocksDB flushes what it recovers from the WAL on open, so SST and
        // blob files exist before the first flip, next to a fresh WAL and MANIFEST.
        foreach (var node in cluster.Nodes.Where(n => n != leader))
        {
            node.Kill();
            node.Start();
        }

        await SettleAsync(cluster, cancellationToken);
        output.WriteLine($"sweep seed={options.Seed} flips={options.Flips}: workload committed, height {chain.Height}, in {(DateTime.UtcNow - started).TotalSeconds:F0} s");

        var outcomes = new List<FlipOutcome>(options.Flips);
        SweepNode? stopped = null;
        for (var iteration = 1; iteration <= options.Flips; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            phases.Begin();
            leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
            var target = stopped ?? PickFollower(cluster, leader);
            target.Kill();
            var heightBeforeStop = chain.Height;
            var pristine = Path.Combine(cluster.Consortium.Directory, "pristine-copy");
            if (Directory.Exists(pristine))
            {
                Directory.Delete(pristine, recursive: true);
            }

            DataDirectoryCopy.Take(target.DataDirectory, pristine);
            phases.Mark("copy");

            await SubmitAsync(cluster, options.TransactionsPerFlip, options.TransactionsPerFlip, cancellationToken);
            leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
            await GrowChainAsync(cluster, leader, cancellationToken);
            phases.Mark("submit");

            var corruption = corruptor.FlipRandomByte(target.DatabaseDirectory);
            var flipped = DateTime.UtcNow;
            var outcome = await ObserveAsync(cluster, iteration, target, leader, corruption, heightBeforeStop, cancellationToken);
            outcomes.Add(outcome);
            output.WriteLine($"{outcome} [{(DateTime.UtcNow - flipped).TotalSeconds:F1} s; {phases}]");
            output.Flush();

            if (!outcome.CaughtUp || outcome.Category is FlipCategory.DetectedScan or FlipCategory.Served)
            {
                var resetStarted = DateTime.UtcNow;
                await ResetAsync(cluster, target, outcome.Answered ? null : pristine, cancellationToken);
                output.WriteLine($"  reset took {(DateTime.UtcNow - resetStarted).TotalSeconds:F1} s");
            }

            target.Kill();
            stopped = target;
            if (iteration % options.ProgressEveryFlips == 0 && iteration < options.Flips)
            {
                output.WriteLine($"progress after {(DateTime.UtcNow - started).TotalSeconds:F0} s: {new FlipSweepReport(outcomes).ClosingLine()}");
            }
        }

        var report = new FlipSweepReport(outcomes);
        output.WriteLine($"sweep took {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        output.Write(report.Table());
        output.WriteLine(report.ClosingLine());
        return report;
    }

    /// <summary>Restarts the flipped node and classifies what it does with the damage.</summary>
    private async Task<FlipOutcome> ObserveAsync(SweepCluster cluster, int iteration, SweepNode target, SweepNode leader, DiskCorruption corruption, ulong heightBeforeStop, CancellationToken cancellationToken)
    {
        target.Start();
        var first = await WaitForFirstStatusAsync(target, cancellationToken);
        phases.Mark("start");
        if (first is null)
        {
            var refused = target.ExitCode is { } code ? $"exited with code {code}: {LastMeaningfulLine(target)}" : "did not answer Status";
            return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.DetectedOpen, CaughtUp: false, refused, Answered: false);
        }

        var lostAtOpen = first.Height < heightBeforeStop ? $"came back at height {first.Height} of {heightBeforeStop}" : null;
        await WaitForHeightAsync(target, chain.Height, options.CatchUpTimeout, cancellationToken);
        await WaitForScanAsync(target, cancellationToken);
        phases.Mark("catch-up");

        // Its first Status, or its log: a node may quarantine at open and catch up before it first answers.
        // The log names what was found and in which file: the more telling note when both said so.
        var reportedFirst = Reported(first);
        var detectedAtOpen = target.QuarantineLine is { } quarantined
            ? $"{(reportedFirst is null ? "" : "recovering at first status; ")}quarantined at open: {QuarantineMessage(quarantined, target.DatabaseDirectory)}"
            : reportedFirst;

        var result = await probe.ProbeAsync(target, leader, chain, cancellationToken);
        var after = await SweepCluster.TryStatusAsync(target);
        phases.Mark("probe");
        var caughtUp = result.ServedDifference is null && result.DamageReported is null && result.IdenticalBlocks == chain.Height;
        if (result.ServedDifference is not null)
        {
            return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.Served, caughtUp, result.ServedDifference);
        }

        if (detectedAtOpen is not null)
        {
            return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.DetectedOpen, caughtUp, detectedAtOpen);
        }

        var detectedAtRead = result.DamageReported ?? (after is null ? (target.IsRunning ? null : $"exited: {LastMeaningfulLine(target)}") : Reported(after));
        if (detectedAtRead is not null)
        {
            var byScan = detectedAtRead.Contains(IntegrityScanPass.FoundBy, StringComparison.Ordinal) || (target.ScanLine?.Contains(SweepNode.ScanEventMarkers[1], StringComparison.Ordinal) ?? false);
            if (!target.IsRunning)
            {
                // It stopped itself (exit 4): restart it as its supervisor would; it must then repair from its peers.
                caughtUp = await RestartAndProbeAsync(target, leader, cancellationToken);
            }

            return new FlipOutcome(iteration, target.NodeId, corruption, byScan ? FlipCategory.DetectedScan : FlipCategory.DetectedRead, caughtUp, detectedAtRead);
        }

        // The node noticed nothing: stop it and let the integrity scan look at what it left on disk.
        target.Kill();
        var scanned = OfflineIntegrityScan.FindDamage(target.DatabaseDirectory, cluster.Consortium.ChainId);
        phases.Mark("scan");
        if (scanned is not null)
        {
            // The node itself did not notice: counted as found by a scan, never as repaired.
            return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.DetectedScan, caughtUp, "offline scan: " + FlippedNodeProbe.Shorten(scanned), FoundOffline: true);
        }

        if (lostAtOpen is not null || !caughtUp)
        {
            var behind = caughtUp ? "" : $"; not caught up: {result.IdenticalBlocks} of {chain.Height} blocks";
            return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.SilentLoss, caughtUp, (lostAtOpen ?? "") + behind);
        }

        return new FlipOutcome(iteration, target.NodeId, corruption, FlipCategory.Harmless, caughtUp, "");
    }

    /// <summary>A node's own word that it is damaged: a fault, or a role saying it is recovering.</summary>
    private static string? Reported(StatusResponse status)
    {
        if (status.Fault.Length > 0)
        {
            return $"fault: {FlippedNodeProbe.Shorten(status.Fault)}";
        }

        return status.Recovering ? $"recovering: {FlippedNodeProbe.Shorten(status.Recovery)}" : null;
    }

    /// <summary>The log line from its event id on, without the logger's level and category prefix.</summary>
    private static string QuarantineMessage(string line, string databaseDirectory)
    {
        var at = line.IndexOf(SweepNode.QuarantineEventMarker, StringComparison.Ordinal);
        var message = at < 0 ? line : line[(at + SweepNode.QuarantineEventMarker.Length)..].Trim();
        // Paths shortened to the file's name: the note is about what was found, and the directory is always the target's.
        message = message.Replace(databaseDirectory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).Replace("Local disk damage at start ", "", StringComparison.Ordinal);
        var end = message.IndexOf(". The damaged data directory was moved", StringComparison.Ordinal);
        return end < 0 ? FlippedNodeProbe.Shorten(message) : message[..end];
    }

    private static string LastMeaningfulLine(SweepNode node)
    {
        var lines = node.RecentOutput().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.LastOrDefault(l => l.Contains("corrupt", StringComparison.OrdinalIgnoreCase)) ?? lines.LastOrDefault() ?? "(no output)";
        return FlippedNodeProbe.Shorten(line);
    }

    private async Task<StatusResponse?> WaitForFirstStatusAsync(SweepNode node, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.StartTimeout;
        while (DateTime.UtcNow < deadline && node.ExitCode is null)
        {
            if (await SweepCluster.TryStatusAsync(node) is { } status)
            {
                return status;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return null;
    }

    /// <summary>Polls until <paramref name="node"/> reports at least <paramref name="height"/>; false on timeout or exit.</summary>
    /// <summary>Gives the node's integrity scan its look (a pass completed or damage found), or until the node exits.</summary>
    private static async Task WaitForScanAsync(SweepNode node, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ScanWaitMax;
        while (DateTime.UtcNow < deadline && node.ExitCode is null && node.ScanLine is null)
        {
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Starts a node that stopped itself again and checks that it then serves the healthy chain.</summary>
    private async Task<bool> RestartAndProbeAsync(SweepNode target, SweepNode leader, CancellationToken cancellationToken)
    {
        target.Kill();
        target.Start();
        if (await WaitForFirstStatusAsync(target, cancellationToken) is null)
        {
            return false;
        }

        await WaitForHeightAsync(target, chain.Height, options.CatchUpTimeout, cancellationToken);
        var again = await probe.ProbeAsync(target, leader, chain, cancellationToken);
        return again.ServedDifference is null && again.DamageReported is null && again.IdenticalBlocks == chain.Height;
    }

    private static async Task<bool> WaitForHeightAsync(SweepNode node, ulong height, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && node.ExitCode is null)
        {
            if (await SweepCluster.TryStatusAsync(node) is { } status && status.Height >= height)
            {
                return true;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Undoes the flip so the next one starts from a healthy cluster. A node that never came up acknowledged
    /// nothing since it was stopped: it gets back the copy of its directory taken then (<paramref name="pristine"/>)
    /// and catches up. A node that ran may have acknowledged entries the copy lacks, and a leader that
    /// believes a follower holds what it acknowledged never resends it (issue #16): its directory is wiped
    /// and the leader restarted, which resets every follower's progress, so it rejoins by snapshot.
    /// </summary>
    private async Task ResetAsync(SweepCluster cluster, SweepNode target, string? pristine, CancellationToken cancellationToken)
    {
        target.Kill();
        Directory.Delete(target.DataDirectory, recursive: true);
        if (pristine is not null)
        {
            DataDirectoryCopy.Take(pristine, target.DataDirectory);
            target.Start();
            if (await WaitForHeightAsync(target, chain.Height, options.ResetTimeout, cancellationToken))
            {
                return;
            }

            output.WriteLine($"  reset: {target.NodeId} put back to its copy from before the flip did not catch up within {options.ResetTimeout.TotalSeconds:F0} s; wiping it");
            target.Kill();
            Directory.Delete(target.DataDirectory, recursive: true);
        }

        var leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
        output.WriteLine($"  reset: {target.NodeId} wiped, leader {leader.NodeId} restarted");
        leader.Kill();
        target.Start();
        leader.Start();
        if (await TrySettleAsync(cluster, cancellationToken) is { } behind)
        {
            leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
            output.WriteLine($"  reset: {behind}; restarting leader {leader.NodeId} once more");
            leader.Kill();
            leader.Start();
            await SettleAsync(cluster, cancellationToken);
        }
    }

    /// <summary>Waits until every node reaches the leader's height; throws when one does not in time.</summary>
    private async Task SettleAsync(SweepCluster cluster, CancellationToken cancellationToken)
    {
        if (await TrySettleAsync(cluster, cancellationToken) is { } behind)
        {
            throw new TimeoutException($"{behind}{Environment.NewLine}{cluster.RecentOutput()}");
        }
    }

    /// <summary>Null once every node reached the leader's height (blocks fetched into <see cref="chain"/>); otherwise which node did not.</summary>
    private async Task<string?> TrySettleAsync(SweepCluster cluster, CancellationToken cancellationToken)
    {
        var leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
        await GrowChainAsync(cluster, leader, cancellationToken);
        foreach (var node in cluster.Nodes.Where(n => n != leader))
        {
            if (!await WaitForHeightAsync(node, chain.Height, options.SettleTimeout, cancellationToken))
            {
                return $"{node.NodeId} did not reach height {chain.Height} within {options.SettleTimeout.TotalSeconds:F0} s";
            }
        }

        return null;
    }

    /// <summary>Extends <see cref="chain"/> to the leader's height, finding the leader again when it changes meanwhile.</summary>
    private async Task GrowChainAsync(SweepCluster cluster, SweepNode leader, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.ElectionTimeout;
        while (true)
        {
            try
            {
                var status = await leader.Api.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + SubmitDeadline, cancellationToken: cancellationToken);
                await chain.GrowToAsync(leader, status.Height, cancellationToken);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(RetryDelay, cancellationToken);
                leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
            }
        }
    }

    private SweepNode PickFollower(SweepCluster cluster, SweepNode leader)
    {
        var followers = cluster.Nodes.Where(n => n != leader).ToList();
        return followers[random.Next(followers.Count)];
    }

    /// <summary>Submits <paramref name="count"/> fresh registrations, <paramref name="concurrency"/> at a time, each retried unchanged until acknowledged.</summary>
    private async Task SubmitAsync(SweepCluster cluster, int count, int concurrency, CancellationToken cancellationToken)
    {
        for (var done = 0; done < count; done += concurrency)
        {
            var burst = Enumerable.Range(0, Math.Min(concurrency, count - done))
                .Select(_ => SubmitOneAsync(cluster, cluster.Consortium.RegisterWork(), cancellationToken));
            await Task.WhenAll(burst);
        }
    }

    private async Task SubmitOneAsync(SweepCluster cluster, SignedTransaction transaction, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.ElectionTimeout;
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync(options.ElectionTimeout, cancellationToken);
            try
            {
                await leader.Api.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow + SubmitDeadline, cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.AlreadyExists && DateTime.UtcNow < deadline)
            {
                if (e.StatusCode == StatusCode.AlreadyExists)
                {
                    // An earlier attempt of this same transaction was committed.
                    return;
                }

                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
