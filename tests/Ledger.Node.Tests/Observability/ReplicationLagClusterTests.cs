using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;
using Prometheus;

namespace Ledger.Node.Tests.Observability;

/// <summary>Per-peer replication lag on a running 3-node cluster: the leader reports its two peers by node id; followers report none.</summary>
[NonParallelizable]
public sealed class ReplicationLagClusterTests
{
    [Test]
    public async Task Scrape_ThreeNodes_LeaderReportsEachFollowersLagAndFollowersReportNone()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
        var followers = cluster.Nodes.Where(node => !ReferenceEquals(node, leader)).ToList();

        // The followers acknowledge the entry with the next heartbeat round at the latest.
        string leaderText = "";
        await Eventually.WaitUntilAsync(() =>
        {
            leaderText = ScrapeAsync(leader.Node.Metrics.Registry).GetAwaiter().GetResult();
            return followers.All(follower => Value(leaderText, $"ledger_raft_peer_lag_entries{{peer=\"{follower.Node.NodeId}\"}}") == 0);
        });
        var followerText = await ScrapeAsync(followers[0].Node.Metrics.Registry);

        Assert.Multiple(() =>
        {
            Assert.That(LagSeries(leaderText), Has.Count.EqualTo(2), "one series per peer, none for the leader itself");
            Assert.That(Value(leaderText, $"ledger_raft_peer_recent_active{{peer=\"{followers[1].Node.NodeId}\"}}"), Is.EqualTo(1));
            Assert.That(LagSeries(followerText), Is.Empty, "a follower does not know its peers' progress");
            Assert.That(Value(followerText, "ledger_raft_commit_index"), Is.GreaterThanOrEqualTo(1));
        });
    }

    private static List<string> LagSeries(string exposition) =>
        exposition.Split('\n').Where(line => line.StartsWith("ledger_raft_peer_lag_entries{", StringComparison.Ordinal)).ToList();

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
