using System.Diagnostics;
using System.Globalization;
using Ledger.Chaos.Cluster;
using Ledger.Chaos.Run;

namespace Ledger.Chaos.Faults;

/// <summary>
/// Runs one power loss (<see cref="PowerLossPlan"/>): SIGKILLs its victims together, keeps them down for the
/// step's duration, then restarts them one by one in the plan's order. When the plan brings the old leader
/// back last, it first waits (bounded) until the others have elected a leader among themselves, so the
/// cluster decides without the node most likely to hold the newest entries.
/// </summary>
internal sealed class PowerLossFault(ChaosCluster cluster, RunLog log)
{
    /// <summary>How long the old leader stays down waiting for the others to elect; then it comes back anyway.</summary>
    public static readonly TimeSpan OthersElectMax = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan ElectPoll = TimeSpan.FromMilliseconds(100);

    /// <param name="first">Slot 0: the leader at the cut, or a pick when there was none.</param>
    public async Task RunAsync(FaultStep step, ChaosNode first, bool firstLed, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(first);
        var plan = step.PowerLoss ?? throw new ArgumentException("a power-loss step carries its plan", nameof(step));
        var victims = VictimsBySlot(plan, first, step.PickOther);
        await Task.WhenAll(victims.Select(node => Task.Run(node.Kill, CancellationToken.None))).ConfigureAwait(false);
        log.Write($"  power cut: {string.Join(", ", victims.Select((n, slot) => slot == 0 ? $"{n.NodeId} (L{(firstLed ? ", leader" : ", no leader at the cut")})" : n.NodeId))}");
        await Task.Delay(step.Duration, cancel).ConfigureAwait(false);

        var order = plan.RestartOrder(victims);
        for (var position = 0; position < order.Count; position++)
        {
            var node = order[position];
            if (plan.LeaderBackLast && position == order.Count - 1 && ReferenceEquals(node, first) && order.Count > 1)
            {
                await WaitForOthersToElectAsync(cancel).ConfigureAwait(false);
            }

            await Task.Delay(plan.GapBefore(position), cancel).ConfigureAwait(false);
            node.Start();
            log.Write($"  power back: {node.NodeId}");
        }
    }

    /// <summary>Slot 0 is <paramref name="first"/>; then the other victims by node id, a rotation by <paramref name="pick"/> deciding which survive a majority cut.</summary>
    private List<ChaosNode> VictimsBySlot(PowerLossPlan plan, ChaosNode first, int pick)
    {
        var members = cluster.Members;
        var others = members.Where(n => n != first && n.IsRunning).OrderBy(n => n.NodeId, StringComparer.Ordinal).ToList();
        var count = Math.Min(plan.VictimCount(members.Count) - 1, others.Count);
        var chosen = others.Count == 0 ? [] : Enumerable.Range(0, count).Select(k => others[(pick + k) % others.Count]).ToHashSet();
        return [first, .. others.Where(chosen.Contains)];
    }

    private async Task WaitForOthersToElectAsync(CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < OthersElectMax)
        {
            if (await cluster.FindLeaderAsync(cancel).ConfigureAwait(false) is { } leader)
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
                log.Write($"  the others elected {leader.Node.NodeId} (term {leader.Status.Term}, commit {leader.Status.CommitIndex}) {seconds}s after the last of them came back");
                return;
            }

            await Task.Delay(ElectPoll, cancel).ConfigureAwait(false);
        }

        log.Write($"  the others elected no leader within {OthersElectMax.TotalSeconds}s; the old leader comes back anyway");
    }
}
