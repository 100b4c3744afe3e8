using Ledger.Chaos.Cluster;
using Ledger.Chaos.Hooks;
using Ledger.Chaos.Run;

namespace Ledger.Chaos.Faults;

/// <summary>
/// After a disk fault, watches the restarted node: it must detect the damage (refuse to start, move its
/// damaged database aside, or report a fault or "recovering" in its status) and, when repairable, catch up
/// with the leader.
/// A node that refuses to start is then treated as its operator would: its data directory is wiped
/// and it resyncs from its peers (detected, not repaired by itself).
/// </summary>
public sealed class DiskFaultObserver(ChaosCluster cluster, RunLog log)
{
    /// <summary>Faults go on meanwhile (leaders killed, power lost): a resync from empty can take minutes at 2,000/s.</summary>
    private static readonly TimeSpan WatchMax = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Where the node moves a damaged database at start-up (<c>Ledger.Node.Recovery.DamagedStart</c>).</summary>
    private const string QuarantinePattern = "db" + Ledger.Storage.Damage.DamagedDirectoryQuarantine.Suffix + "*";

    private readonly Lock gate = new();
    private readonly List<Task> watches = [];
    private int corruptions;
    private int detected;
    private int repaired;

    public int Corruptions => Volatile.Read(ref corruptions);

    /// <summary>
    /// A damaged node is still being watched (not yet repaired, nor given up on). The schedule damages one disk
    /// at a time, as a fault model tolerating one faulty node must: two nodes resyncing at once in a 3- or 4-voter
    /// cluster leave no quorum that votes (a node resyncing after damage does not), and no system could elect.
    /// </summary>
    public bool AnyUnsettled
    {
        get
        {
            lock (gate)
            {
                return watches.Exists(w => !w.IsCompleted);
            }
        }
    }

    public int Detected => Volatile.Read(ref detected);

    public int Repaired => Volatile.Read(ref repaired);

    /// <summary>Damaged database copies the node moved aside at start-up (<c>db.damaged-*</c> next to <c>db</c>) so far.</summary>
    public static int QuarantinedCopies(ChaosNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Directory.Exists(node.DataDirectory) ? Directory.GetDirectories(node.DataDirectory, QuarantinePattern).Length : 0;
    }

    /// <param name="quarantinedBefore"><see cref="QuarantinedCopies"/> before the damage and the restart.</param>
    public void Observe(ChaosNode node, DiskDamage damage, int quarantinedBefore)
    {
        ArgumentNullException.ThrowIfNull(damage);
        if (damage.Corruptions == 0)
        {
            return;
        }

        Interlocked.Add(ref corruptions, damage.Corruptions);
        var watch = Task.Run(() => WatchAsync(node, quarantinedBefore));
        lock (gate)
        {
            watches.Add(watch);
        }
    }

    public async Task SettleAsync()
    {
        Task[] all;
        lock (gate)
        {
            all = [.. watches];
        }

        await Task.WhenAll(all).ConfigureAwait(false);
    }

    private async Task WatchAsync(ChaosNode node, int quarantinedBefore)
    {
        var deadline = DateTime.UtcNow + WatchMax;
        var noticed = false;

        // Repaired means: no longer recovering and holding every block the cluster had when the damage was noticed
        // (what it lost plus what it missed). Comparing with the leader's height of the moment never settles under
        // load: the leader is always a block or two ahead of any follower's last poll.
        ulong? repairHeight = null;
        while (DateTime.UtcNow < deadline)
        {
            if (node.LastExitCode is { } code)
            {
                Interlocked.Increment(ref detected);
                log.Write($"disk: {node.NodeId} refused to start (exit {code}); wiping its data directory and restarting it, as an operator would");
                Directory.Delete(node.DataDirectory, recursive: true);
                node.Start();
                return;
            }

            if (!noticed && QuarantinedCopies(node) > quarantinedBefore)
            {
                // Moved aside at open: it may have caught up before a status poll saw it recovering.
                noticed = true;
                Interlocked.Increment(ref detected);
                log.Write($"disk: {node.NodeId} detected it at start-up (damaged database moved aside, resyncing from peers)");
            }

            var status = await node.TryStatusAsync().ConfigureAwait(false);
            if (status is not null)
            {
                var recovering = status.Fault.Length > 0 || status.Recovering;
                if (recovering && !noticed)
                {
                    noticed = true;
                    Interlocked.Increment(ref detected);
                    log.Write($"disk: {node.NodeId} detected it ({(status.Fault.Length > 0 ? status.Fault : status.Recovery)})");
                }

                if (noticed && repairHeight is null && await cluster.FindLeaderAsync().ConfigureAwait(false) is { } leader)
                {
                    repairHeight = leader.Status.Height;
                }

                if (noticed && !recovering && repairHeight is { } goal && status.Height >= goal)
                {
                    Interlocked.Increment(ref repaired);
                    log.Write($"disk: {node.NodeId} repaired itself (height {status.Height})");
                    return;
                }
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        log.Write($"disk: {node.NodeId} showed no {(noticed ? "repair" : "detection")} within {WatchMax.TotalSeconds}s");
    }
}
