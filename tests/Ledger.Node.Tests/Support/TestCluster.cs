using Ledger.Consensus;

namespace Ledger.Node.Tests.Support;

/// <summary>N in-process nodes of one <see cref="TestConsortium"/>.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(TestConsortium consortium, IReadOnlyList<string>? extraArguments)
    {
        Consortium = consortium;
        for (var i = 0; i < consortium.Nodes.Count; i++)
        {
            Nodes.Add(new InProcessNode(consortium.ArgumentsFor(i, extraArguments), consortium.Nodes[i].PublicUrl));
        }
    }

    public TestConsortium Consortium { get; }

    public List<InProcessNode> Nodes { get; } = [];

    /// <param name="extraArguments">Node options every node gets on top of the consortium's (e.g. <c>--Node:Raft:CompactionRetainEntries=2</c>).</param>
    public static async Task<TestCluster> StartAsync(int nodeCount, bool withTls = false, string suite = Ledger.Core.Crypto.CryptoSuites.P256Sha256Name, IReadOnlyList<string>? extraArguments = null)
    {
        var cluster = new TestCluster(new TestConsortium(nodeCount, withTls: withTls, suite: suite), extraArguments);
        foreach (var node in cluster.Nodes)
        {
            await node.StartAsync().ConfigureAwait(false);
        }

        await cluster.WaitForEveryNodeToKnowTheLeaderAsync().ConfigureAwait(false);
        return cluster;
    }

    /// <summary>
    /// A leader is elected and every running node has heard from it: a follower that has not yet
    /// learned the leader refuses submissions with Unavailable (clients retry), which tests should not race.
    /// </summary>
    public async Task<InProcessNode> WaitForEveryNodeToKnowTheLeaderAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var leader = await WaitForLeaderAsync(deadline - DateTime.UtcNow).ConfigureAwait(false);
            var leaderId = leader.Node.RaftStatus.Id;
            var agreed = true;
            foreach (var node in Nodes)
            {
                agreed &= !node.IsRunning || node.Node.RaftStatus.Leader == leaderId;
            }

            if (agreed)
            {
                return leader;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new TimeoutException("the nodes did not agree on a leader");
    }

    public async Task<InProcessNode> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in Nodes)
            {
                if (node.IsRunning && node.Node.RaftStatus.Role == RaftRole.Leader)
                {
                    return node;
                }
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new TimeoutException("no leader was elected");
    }

    public async Task WaitForHeightAsync(ulong height, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var all = true;
            foreach (var node in Nodes)
            {
                all &= !node.IsRunning || node.Node.Blocks.LatestHeight >= height;
            }

            if (all)
            {
                return;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new TimeoutException($"not every running node reached height {height}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        Consortium.Dispose();
    }
}
