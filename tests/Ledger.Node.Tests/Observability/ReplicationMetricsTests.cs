using Ledger.Consensus;
using Ledger.Node.Metrics;
using Prometheus;

namespace Ledger.Node.Tests.Observability;

/// <summary>The leader's view of each peer's replication lag, bounded by the Raft membership.</summary>
public sealed class ReplicationMetricsTests
{
    private static readonly Dictionary<ulong, string> NodeIds = new() { [1] = "node-a", [2] = "node-b", [3] = "node-c" };

    [Test]
    public async Task Update_Leader_ExportsEachPeersLagByNodeIdAndNotItsOwn()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ReplicationMetrics(registry, id => NodeIds.GetValueOrDefault(id));

        metrics.Update(Status(RaftRole.Leader, lastIndex: 100, commit: 98, Progress(1, 100), Progress(2, 97), Progress(3, 40, active: false)));
        var text = await ScrapeAsync(registry);

        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "ledger_raft_peer_lag_entries{peer=\"node-b\"}"), Is.EqualTo(3));
            Assert.That(Value(text, "ledger_raft_peer_lag_entries{peer=\"node-c\"}"), Is.EqualTo(60));
            Assert.That(Value(text, "ledger_raft_peer_lag_entries{peer=\"node-a\"}"), Is.Null, "the leader is not its own peer");
            Assert.That(Value(text, "ledger_raft_peer_recent_active{peer=\"node-c\"}"), Is.Zero);
            Assert.That(Value(text, "ledger_raft_last_index"), Is.EqualTo(100));
            Assert.That(Value(text, "ledger_raft_commit_index"), Is.EqualTo(98));
        });
    }

    [Test]
    public async Task Update_PeerLeftTheMembershipOrLeadershipLost_RemovesItsSeries()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ReplicationMetrics(registry, id => NodeIds.GetValueOrDefault(id));
        metrics.Update(Status(RaftRole.Leader, lastIndex: 100, commit: 100, Progress(1, 100), Progress(2, 100), Progress(3, 90)));

        metrics.Update(Status(RaftRole.Leader, lastIndex: 101, commit: 101, Progress(1, 101), Progress(2, 101)));
        var afterRemoval = await ScrapeAsync(registry);
        metrics.Update(Status(RaftRole.Follower, lastIndex: 101, commit: 101));
        var asFollower = await ScrapeAsync(registry);

        Assert.Multiple(() =>
        {
            Assert.That(Value(afterRemoval, "ledger_raft_peer_lag_entries{peer=\"node-c\"}"), Is.Null, "node-c left");
            Assert.That(Value(afterRemoval, "ledger_raft_peer_lag_entries{peer=\"node-b\"}"), Is.Zero);
            Assert.That(asFollower, Does.Not.Contain("ledger_raft_peer_lag_entries{"), "a follower does not know its peers' progress");
        });
    }

    [Test]
    public async Task Update_UnknownNode_NamesItByRaftIdAndKeepsTheSeriesBound()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ReplicationMetrics(registry, _ => null);
        var peers = Enumerable.Range(1, ReplicationMetrics.PeerSeriesMax + 10).Select(id => Progress((ulong)id, 1)).ToArray();

        metrics.Update(Status(RaftRole.Leader, lastIndex: 1, commit: 1, peers));
        var text = await ScrapeAsync(registry);

        Assert.That(Value(text, "ledger_raft_peer_lag_entries{peer=\"2\"}"), Is.Zero);
        Assert.That(text.Split('\n').Count(line => line.StartsWith("ledger_raft_peer_lag_entries{", StringComparison.Ordinal)), Is.EqualTo(ReplicationMetrics.PeerSeriesMax));
    }

    private static RaftStatus Status(RaftRole role, ulong lastIndex, ulong commit, params ProgressStatus[] progress) => new()
    {
        Id = 1,
        HardState = new HardState(Term: 2, Vote: 1, Commit: commit),
        SoftState = new SoftState(role == RaftRole.Leader ? 1UL : 2UL, role),
        Applied = commit,
        LastIndex = lastIndex,
        LeadTransferee = 0,
        ConfState = new ConfState([.. progress.Select(p => p.Id)], []),
        Progress = progress,
    };

    private static ProgressStatus Progress(ulong id, ulong match, bool active = true) =>
        new(id, match, match + 1, ProgressState.Replicate, IsLearner: false, RecentActive: active, InflightCount: 0);

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double? Value(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
