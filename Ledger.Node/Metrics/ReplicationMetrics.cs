using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Registry.Applying;
using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// How far replication and certification have come, as seen from this node: the Raft log's last and
/// commit index, the highest certified height, and — on the leader only — each peer's lag, the entries
/// of the leader's log the peer has not acknowledged (leader's last index minus the peer's match index).
/// A follower does not know its peers' progress and exports no lag series; when this node stops leading,
/// or a peer leaves the Raft membership, its series are removed. The <c>peer</c> label takes one value per
/// member of the Raft configuration (the consortium's node set, at most <see cref="PeerSeriesMax"/>), named
/// by node id when the directory knows it, by Raft id otherwise.
/// <para>
/// The peers' progress is taken on the Raft loop's thread (<see cref="RaftDriver.InspectAsync"/>) just
/// before each scrape, waiting at most <see cref="InspectWaitMax"/>: a busy or stopped loop leaves the
/// previous values and never fails the scrape.
/// </para>
/// </summary>
public sealed class ReplicationMetrics
{
    public const string PeerLagName = "ledger_raft_peer_lag_entries";
    public const string PeerActiveName = "ledger_raft_peer_recent_active";
    public const string LastIndexName = "ledger_raft_last_index";
    public const string CommitIndexName = "ledger_raft_commit_index";
    public const string CertifiedHeightName = "ledger_certified_height";

    /// <summary>Series per labelled family at most: the node set's bound (a Raft configuration holds no more members).</summary>
    public const int PeerSeriesMax = RegistryLimits.NodesMax;

    /// <summary>Longest a scrape waits for the Raft loop to report the peers' progress.</summary>
    public static readonly TimeSpan InspectWaitMax = TimeSpan.FromSeconds(2);

    private readonly Gauge peerLag;
    private readonly Gauge peerActive;
    private readonly Gauge lastIndex;
    private readonly Gauge commitIndex;
    private readonly Gauge certifiedHeight;
    private readonly Func<ulong, string?> nodeIdOf;
    private readonly HashSet<string> exported = new(StringComparer.Ordinal);
    private readonly object gate = new();

    /// <param name="nodeIdOf">The node id of a Raft id, or null when the directory does not know it.</param>
    public ReplicationMetrics(CollectorRegistry registry, Func<ulong, string?> nodeIdOf)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.nodeIdOf = nodeIdOf;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        peerLag = factory.CreateGauge(PeerLagName, "On the leader: entries of its log each peer has not acknowledged (leader's last index minus the peer's match index); no series on a follower", new GaugeConfiguration { LabelNames = ["peer"] });
        peerActive = factory.CreateGauge(PeerActiveName, "On the leader: 1 when the peer was heard from within the last election timeout, else 0", new GaugeConfiguration { LabelNames = ["peer"] });
        lastIndex = factory.CreateGauge(LastIndexName, "Index of the last entry in this node's Raft log");
        commitIndex = factory.CreateGauge(CommitIndexName, "Highest Raft index this node knows to be committed");
        certifiedHeight = factory.CreateGauge(CertifiedHeightName, "Highest block height certified on this node (signed by a quorum of its attesters); see also ledger_attestation_certified_through_height");
    }

    /// <summary>Registers the reading before each scrape: the driver's progress report and <paramref name="readCertifiedHeight"/>.</summary>
    public void RefreshBeforeScrape(CollectorRegistry registry, RaftDriver driver, Func<ulong> readCertifiedHeight)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(driver);
        registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            certifiedHeight.Set(readCertifiedHeight());
            RaftStatus status;
            try
            {
                status = await driver.InspectAsync(cancellationToken).WaitAsync(InspectWaitMax, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DriverBusyException or DriverStoppedException or TimeoutException or OperationCanceledException)
            {
                return; // the previous values stay; the rest of the scrape goes on
            }

            Update(status);
        });
    }

    /// <summary>Sets the gauges from one status report (public for tests, which build reports by hand).</summary>
    public void Update(RaftStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lastIndex.Set(status.LastIndex);
        commitIndex.Set(status.HardState.Commit);
        var current = new HashSet<string>(StringComparer.Ordinal);
        lock (gate)
        {
            if (status.SoftState.Role == RaftRole.Leader)
            {
                foreach (var progress in status.Progress)
                {
                    if (progress.Id == status.Id || current.Count >= PeerSeriesMax)
                    {
                        continue; // the leader's own progress is not replication
                    }

                    var peer = nodeIdOf(progress.Id) ?? progress.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (!current.Add(peer))
                    {
                        continue;
                    }

                    peerLag.WithLabels(peer).Set(status.LastIndex >= progress.Match ? status.LastIndex - progress.Match : 0);
                    peerActive.WithLabels(peer).Set(progress.RecentActive ? 1 : 0);
                }
            }

            foreach (var departed in exported.Where(peer => !current.Contains(peer)).ToList())
            {
                peerLag.RemoveLabelled(departed);
                peerActive.RemoveLabelled(departed);
            }

            exported.Clear();
            exported.UnionWith(current);
        }
    }
}
