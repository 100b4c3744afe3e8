using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Cluster.Tests.Support;

/// <summary>A consortium whose nodes each run as a child process; disposing kills every process and deletes every data directory.</summary>
public sealed class ProcessCluster : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(2);

    private ProcessCluster(TestConsortium consortium, IReadOnlyList<string> extraArguments)
    {
        Consortium = consortium;
        for (var i = 0; i < consortium.Nodes.Count; i++)
        {
            var config = consortium.Nodes[i];
            Nodes.Add(new NodeProcess(config.NodeId, config.PublicUrl, consortium.ArgumentsFor(i, extraArguments)));
        }
    }

    public TestConsortium Consortium { get; }

    public List<NodeProcess> Nodes { get; } = [];

    public static ProcessCluster Start(int nodeCount, params string[] extraArguments)
    {
        var cluster = new ProcessCluster(new TestConsortium(nodeCount), extraArguments);
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

    /// <summary>Status of <paramref name="node"/>, or null when it does not answer in time.</summary>
    public static async Task<StatusResponse?> TryStatusAsync(NodeProcess node)
    {
        if (!node.IsRunning)
        {
            return null;
        }

        try
        {
            return await node.Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusDeadline);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>The running node that reports itself Leader, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<NodeProcess> WaitForLeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // By index: a test may replace a node (Nodes[i] = ...) while another task looks for the leader.
            for (var i = 0; i < Nodes.Count; i++)
            {
                var node = Nodes[i];
                var status = await TryStatusAsync(node);
                if (status?.Role == "Leader")
                {
                    return node;
                }
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"no node reported role Leader within {timeout}{Environment.NewLine}{RecentOutput()}");
    }

    /// <summary>Waits until every node answers Status with the same height, at least <paramref name="heightMin"/>, and returns it.</summary>
    public async Task<ulong> WaitForSameHeightAsync(ulong heightMin, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var heights = new List<ulong>();
            for (var i = 0; i < Nodes.Count; i++)
            {
                var status = await TryStatusAsync(Nodes[i]);
                if (status is not null)
                {
                    heights.Add(status.Height);
                }
            }

            last = string.Join(", ", heights);
            if (heights.Count == Nodes.Count && heights[0] >= heightMin && heights.TrueForAll(h => h == heights[0]))
            {
                return heights[0];
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"nodes did not agree on a height >= {heightMin} within {timeout}; last heights seen: [{last}]{Environment.NewLine}{RecentOutput()}");
    }

    /// <summary>Blocks 1..<paramref name="height"/> of <paramref name="node"/>, each serialized, paged through GetBlocks.</summary>
    public static async Task<List<byte[]>> ReadBlocksAsync(NodeProcess node, ulong height, ulong pageBlocks = 500)
    {
        var blocks = new List<byte[]>((int)height);
        for (ulong from = 1; from <= height; from += pageBlocks)
        {
            var to = Math.Min(height, from + pageBlocks - 1);
            using var call = node.Client.GetBlocks(new GetBlocksRequest { FromHeight = from, ToHeight = to }, deadline: DateTime.UtcNow.AddSeconds(30));
            await foreach (var block in call.ResponseStream.ReadAllAsync())
            {
                blocks.Add(Google.Protobuf.MessageExtensions.ToByteArray(block));
            }
        }

        return blocks;
    }

    public string RecentOutput() => string.Join(Environment.NewLine, Nodes.Select(n => n.RecentOutput()));

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Consortium.Dispose();
    }
}
