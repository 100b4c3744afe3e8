using System.Diagnostics;
using Ledger.Chaos.Cluster;
using Ledger.Chaos.Hooks;
using Ledger.Chaos.Network;
using Ledger.Chaos.Run;

namespace Ledger.Chaos.Faults;

/// <summary>
/// Runs a <see cref="FaultSchedule"/> against a <see cref="ChaosCluster"/>: each step at its time, its
/// target resolved then (the leader of that moment, or a pick among the members of that moment), healed
/// after its duration. <see cref="HealAllAsync"/> undoes whatever is still in force at the end.
/// </summary>
public sealed class FaultInjector(ChaosCluster cluster, IDiskCorruptor corruptor, RecoveryTimer recovery, RunLog log, int seed)
{
    private static readonly TimeSpan MembershipFinishMax = TimeSpan.FromSeconds(150);

    /// <summary>How long a leader-targeted step looks for the leader before it falls back to a pick.</summary>
    private static readonly TimeSpan LeaderLookupMax = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeaderLookupRetry = TimeSpan.FromMilliseconds(100);

    private readonly DiskFaultObserver disk = new(cluster, log);
    private readonly PowerLossFault powerLoss = new(cluster, log);
    private readonly MembershipChange membership = new(cluster, new GovernanceTransactions(cluster.Consortium.ChainId, cluster.Consortium.Admin), log);
    private Task membershipInFlight = Task.CompletedTask;
    private int faultsInjected;

    public int FaultsInjected => Volatile.Read(ref faultsInjected);

    public DiskFaultObserver Disk => disk;

    /// <summary>Runs every step whose time comes before <paramref name="cancel"/> fires.</summary>
    public async Task RunAsync(FaultSchedule schedule, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var started = Stopwatch.GetTimestamp();
        foreach (var step in schedule.Steps)
        {
            var wait = step.At - Stopwatch.GetElapsedTime(started);
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancel).ConfigureAwait(false);
                }

                await ExecuteAsync(step, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Heals every link, resumes every paused node, restarts every node with a skewed clock on a true one, waits
    /// (bounded) for a membership change, starts every member.
    /// </summary>
    public async Task HealAllAsync()
    {
        cluster.Mesh.HealAll();
        foreach (var node in cluster.AllNodes)
        {
            node.Resume();
        }

        // A clock fault outlives the node's restarts; a node skewed past the genesis bound refuses every leader
        // with a true clock (and is refused as one), so with one voter down or removed the cluster could not
        // commit. Healed like a partition: the node comes back on a true clock (one at a time, no data at risk).
        foreach (var node in cluster.AllNodes.Where(n => n.ClockArguments.Count > 0))
        {
            node.ClockArguments = [];
            if (node.IsRunning)
            {
                node.Kill();
                node.Start();
            }

            log.Write($"heal: {node.NodeId} restarted on a true clock");
        }

        if (await Task.WhenAny(membershipInFlight, Task.Delay(MembershipFinishMax)).ConfigureAwait(false) != membershipInFlight)
        {
            log.Write($"heal: the membership change did not finish within {MembershipFinishMax.TotalSeconds}s");
        }

        foreach (var node in cluster.Members.Where(n => !n.IsRunning))
        {
            node.Start();
        }

        await disk.SettleAsync().ConfigureAwait(false);
        log.Write("heal: every link healed, every member running");
    }

    private async Task ExecuteAsync(FaultStep step, CancellationToken cancel)
    {
        log.Write($"fault {step.Describe()}");
        switch (step.Kind)
        {
            case FaultKind.KillLeader:
            case FaultKind.KillRandom:
                await KillAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Pause:
                await PauseAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.PowerLoss:
                await PowerLossAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Partition:
                await PartitionAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Link:
                await LinkAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Clock:
                await ClockAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Disk:
                await DiskAsync(step, cancel).ConfigureAwait(false);
                break;
            case FaultKind.Membership:
                StartMembershipChange(step, cancel);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown fault kind");
        }
    }

    private async Task KillAsync(FaultStep step, CancellationToken cancel)
    {
        var (node, leaderStatus) = await ResolveAsync(step, cancel).ConfigureAwait(false);
        if (node is null)
        {
            return;
        }

        var killedAt = Stopwatch.GetTimestamp();
        node.Kill();
        Count();
        log.Write($"  killed {node.NodeId}{(leaderStatus is null ? "" : $" (leader, term {leaderStatus.Term}, commit {leaderStatus.CommitIndex})")}");
        if (leaderStatus is not null)
        {
            // Not bound to the fault phase: a kill near its end is still measured (the timer gives up on its own).
            recovery.Measure(cluster, leaderStatus.Term, leaderStatus.CommitIndex, killedAt, CancellationToken.None);
        }

        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        node.Start();
        log.Write($"  restarted {node.NodeId}");
    }

    private async Task PauseAsync(FaultStep step, CancellationToken cancel)
    {
        var (node, _) = await ResolveAsync(step, cancel).ConfigureAwait(false);
        if (node is null)
        {
            return;
        }

        node.Pause();
        Count();
        log.Write($"  SIGSTOP {node.NodeId}");
        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        node.Resume();
        log.Write($"  SIGCONT {node.NodeId}");
    }

    private async Task PowerLossAsync(FaultStep step, CancellationToken cancel)
    {
        // Slot 0 of the plan: the leader at the cut (a pick when there is none), resolved as for a leader kill.
        var (first, leaderStatus) = await ResolveAsync(step with { TargetsLeader = true }, cancel).ConfigureAwait(false);
        if (first is null)
        {
            return;
        }

        Count();
        await powerLoss.RunAsync(step, first, leaderStatus is not null, cancel).ConfigureAwait(false);
    }

    private async Task PartitionAsync(FaultStep step, CancellationToken cancel)
    {
        var ids = cluster.Members.Select(n => n.NodeId).Order(StringComparer.Ordinal).ToList();
        var leader = step.Shape == PartitionShape.LeaderIsolated ? await cluster.FindLeaderAsync(cancel).ConfigureAwait(false) : null;
        var (sideA, sideB) = Partitions.Split(ids, step.Shape, step.Pick, leader?.Node.NodeId);
        cluster.Mesh.Cut(sideA, sideB, step.CutMode);
        Count();
        log.Write($"  partition {step.Shape}: [{string.Join(",", sideA)}] | [{string.Join(",", sideB)}] ({step.CutMode})");
        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        cluster.Mesh.HealAll();
        log.Write("  partition healed");
    }

    private async Task LinkAsync(FaultStep step, CancellationToken cancel)
    {
        var ids = cluster.Members.Select(n => n.NodeId).Order(StringComparer.Ordinal).ToList();
        if (step.ClientLink && cluster.Mesh.HasClientLinks)
        {
            await ClientLinkAsync(step, ids[step.Pick % ids.Count], cancel).ConfigureAwait(false);
            return;
        }

        var from = ids[step.Pick % ids.Count];
        var others = ids.Where(id => id != from).ToList();
        var to = others[step.PickOther % others.Count];
        var state = step.Link ?? LinkState.Healthy;
        cluster.Mesh.Set(from, to, state);
        if (step.BothDirections)
        {
            cluster.Mesh.Set(to, from, state);
        }

        Count();
        log.Write($"  link {from}{(step.BothDirections ? "<->" : "->")}{to}: {state}");
        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        cluster.Mesh.HealAll();
        log.Write("  link healed");
    }

    /// <summary>The clients lose (or slowly reach) one node while its peers still see it: they must fail over, not give up.</summary>
    private async Task ClientLinkAsync(FaultStep step, string node, CancellationToken cancel)
    {
        var state = step.Link ?? LinkState.Healthy;
        cluster.Mesh.SetClientLink(node, state);
        Count();
        log.Write($"  link clients->{node}: {state}");
        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        cluster.Mesh.HealAll();
        log.Write("  link healed");
    }

    private async Task ClockAsync(FaultStep step, CancellationToken cancel)
    {
        var (node, _) = await ResolveAsync(step, cancel).ConfigureAwait(false);
        if (node is null)
        {
            return;
        }

        node.ClockArguments = NodeClockFlags.For(step.ClockOffsetMilliseconds, step.ClockDriftPpm);
        node.Kill();
        node.Start();
        Count();
        log.Write($"  restarted {node.NodeId} with {string.Join(' ', node.ClockArguments)}");
    }

    private async Task DiskAsync(FaultStep step, CancellationToken cancel)
    {
        if (disk.AnyUnsettled)
        {
            log.Write("  skipped: a node damaged earlier has not repaired itself yet (one damaged disk at a time)");
            return;
        }

        var (node, _) = await ResolveAsync(step, cancel).ConfigureAwait(false);
        if (node is null)
        {
            return;
        }

        node.Kill();
        var quarantinedBefore = DiskFaultObserver.QuarantinedCopies(node);
        var damage = corruptor.Corrupt(node.DataDirectory, new Random(FaultSchedule.StepSeed(seed, step.Number)));
        Count();
        log.Write($"  {node.NodeId} stopped; {damage.Description}");
        await HoldAsync(step.Duration, cancel).ConfigureAwait(false);
        node.Start();
        disk.Observe(node, damage, quarantinedBefore);
    }

    private void StartMembershipChange(FaultStep step, CancellationToken cancel)
    {
        if (!membershipInFlight.IsCompleted)
        {
            log.Write("  skipped: the previous membership change is still going on");
            return;
        }

        membershipInFlight = Task.Run(async () =>
        {
            try
            {
                var (leaving, _) = await ResolveAsync(step, cancel).ConfigureAwait(false);
                var joining = leaving is null ? null : cluster.TakeSpare();
                if (leaving is null || joining is null)
                {
                    log.Write("  skipped: no node to remove or no spare left");
                    return;
                }

                Count();
                // Not bound to the fault phase: the heal waits for the change to finish (bounded by its own budgets).
                await membership.RunAsync(leaving, joining, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or Grpc.Core.RpcException)
            {
                log.Write($"membership: gave up ({e.GetType().Name}: {e.Message})");
            }
        }, CancellationToken.None);
    }

    /// <summary>The step's target now: the leader (falling back to a pick when there is none) or a pick among running members.</summary>
    private async Task<(ChaosNode? Node, Ledger.Core.Protocol.StatusResponse? LeaderStatus)> ResolveAsync(FaultStep step, CancellationToken cancel)
    {
        if (step.TargetsLeader)
        {
            // A loaded node may miss one status deadline, and an election may be under way: ask again for a while.
            var lookupEnd = DateTime.UtcNow + LeaderLookupMax;
            do
            {
                if (await cluster.FindLeaderAsync(cancel).ConfigureAwait(false) is { } leader)
                {
                    return (leader.Node, leader.Status);
                }

                await Task.Delay(LeaderLookupRetry, cancel).ConfigureAwait(false);
            }
            while (DateTime.UtcNow < lookupEnd);
        }

        var running = cluster.Members.Where(n => n.IsRunning && !n.IsPaused).OrderBy(n => n.NodeId, StringComparer.Ordinal).ToList();
        if (running.Count == 0)
        {
            log.Write("  skipped: no member running");
            return (null, null);
        }

        var picked = running[step.Pick % running.Count];
        if (step.TargetsLeader)
        {
            log.Write($"  no leader now: {picked.NodeId} instead");
        }

        return (picked, null);
    }

    private void Count() => Interlocked.Increment(ref faultsInjected);

    private static Task HoldAsync(TimeSpan duration, CancellationToken cancel) => Task.Delay(duration, cancel);
}
