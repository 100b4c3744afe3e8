using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Disk;

/// <summary>
/// The sweep's 3-node consortium of node processes on loopback (plaintext peers: the sweep is about the
/// disk, not the network). The leader keeps enough log for a follower put back to its copy from before a
/// flip to catch up from the log; a wiped follower rejoins from the log or, once it is compacted, a
/// snapshot. Disposing kills every process and deletes every data directory.
/// </summary>
public sealed class SweepCluster : IDisposable
{
    public const int NodeCount = 3;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(2);

    private static readonly string[] NodeArguments =
    [
        "--Node:Raft:CompactionRetainEntries=500",
        "--Node:Raft:CompactionIntervalEntries=100",
        "--Node:Snapshots:ChunkBytes=65536",

        // The node's own integrity scan looks at once and at full speed, so the sweep sees what it finds.
        "--Node:IntegrityScan:StartDelaySeconds=0",
        "--Node:IntegrityScan:BytesPerSecond=1073741824",
    ];

    private SweepCluster(TestConsortium consortium)
    {
        Consortium = consortium;
        for (var i = 0; i < consortium.Nodes.Count; i++)
        {
            var config = consortium.Nodes[i];
            Nodes.Add(new SweepNode(config.NodeId, config.PublicUrl, config.DataDirectory, consortium.ArgumentsFor(i, NodeArguments)));
        }
    }

    public TestConsortium Consortium { get; }

    public List<SweepNode> Nodes { get; } = [];

    public static SweepCluster Start()
    {
        var cluster = new SweepCluster(new TestConsortium(NodeCount));
        try
        {
            foreach (var node in cluster.Nodes)
            {
                node.Start();
            }
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return cluster;
    }

    /// <summary>Status of <paramref name="node"/>, or null when it is not running or does not answer in time.</summary>
    public static async Task<StatusResponse?> TryStatusAsync(SweepNode node)
    {
        if (!node.IsRunning)
        {
            return null;
        }

        try
        {
            return await node.Api.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusDeadline);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>The running node that reports itself Leader, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<SweepNode> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in Nodes)
            {
                var status = await TryStatusAsync(node);
                if (status?.Role == "Leader")
                {
                    return node;
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"no node reported role Leader within {timeout}{Environment.NewLine}{RecentOutput()}");
    }

    public string RecentOutput() => string.Join(Environment.NewLine, Nodes.Select(n => $"--- {n.NodeId} (running: {n.IsRunning}) ---{Environment.NewLine}{n.RecentOutput()}"));

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Consortium.Dispose();
    }
}
