using Ledger.Chaos.Network;
using Ledger.Chaos.Options;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Cluster;

/// <summary>
/// The nodes of one run: a test consortium with mutual TLS, N founding node processes, spare node
/// slots for membership changes, and a <see cref="ProxyMesh"/> every peer link goes through. The
/// consortium's directory is the run directory (genesis, keys, certificates, data directories, node
/// logs); it is deleted after a run that passed and kept after one that failed.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    public const string PeerScheme = "https";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock gate = new();
    private readonly List<ChaosNode> members = [];
    private readonly Queue<ChaosNode> spares = new();
    private bool keepRunDirectory;

    private ChaosCluster(TestConsortium consortium, ProxyMesh mesh)
    {
        Consortium = consortium;
        Mesh = mesh;
    }

    public TestConsortium Consortium { get; }

    public ProxyMesh Mesh { get; }

    public string RunDirectory => Consortium.Directory;

    /// <summary>Every node made for the run (founders, then spares), for endpoints and the report.</summary>
    public IReadOnlyList<ChaosNode> AllNodes { get; private set; } = [];

    /// <summary>The nodes that are members now (founders minus removed, plus added).</summary>
    public IReadOnlyList<ChaosNode> Members
    {
        get
        {
            lock (gate)
            {
                return [.. members];
            }
        }
    }

    /// <param name="spareCount">Nodes outside genesis made up front for membership changes (ids, keys, certificates, ports, proxies).</param>
    /// <param name="clientsThroughProxies">Give every node a client-side fault proxy (<see cref="ClientUrl"/>).</param>
    public static ChaosCluster Create(int nodeCount, int spareCount, string? bug, int seed, bool clientsThroughProxies = false)
    {
        var consortium = new TestConsortium(nodeCount, chainId: "chaos-chain", withTls: true);
        for (var i = 1; i <= spareCount; i++)
        {
            consortium.CreateJoiningNode($"node-{nodeCount + i}");
        }

        var peerPorts = consortium.Nodes.ToDictionary(n => n.NodeId, n => n.PeerPort);
        var publicPorts = clientsThroughProxies ? consortium.Nodes.ToDictionary(n => n.NodeId, n => n.PublicPort) : null;
        var mesh = new ProxyMesh(peerPorts, seed, publicPorts);
        var cluster = new ChaosCluster(consortium, mesh);
        var environment = PlantedBugs.NodeEnvironment(bug);
        var all = new List<ChaosNode>();
        for (var i = 0; i < consortium.Nodes.Count; i++)
        {
            var config = consortium.Nodes[i];
            var arguments = consortium.ArgumentsFor(i, [.. mesh.PeerArgumentsFor(config.NodeId, PeerScheme), .. PlantedBugs.NodeArguments(bug)]);
            var node = new ChaosNode(config.NodeId, config.PublicUrl, config.DataDirectory, arguments, environment, consortium.Directory);
            all.Add(node);
            if (i < nodeCount)
            {
                cluster.members.Add(node);
            }
            else
            {
                cluster.spares.Enqueue(node);
            }
        }

        cluster.AllNodes = all;
        return cluster;
    }

    /// <summary>The URL the workload's clients use for <paramref name="node"/>: through its client proxy when there is one.</summary>
    public string ClientUrl(ChaosNode node) => Mesh.ClientUrlFor(node.NodeId) ?? node.PublicUrl;

    public void StartAll()
    {
        foreach (var node in Members)
        {
            node.Start();
        }
    }

    /// <summary>Keep the run directory when disposing (the run failed: logs and data are evidence).</summary>
    public void KeepRunDirectory() => keepRunDirectory = true;

    /// <summary>The next spare node, or null when the run used them all.</summary>
    public ChaosNode? TakeSpare()
    {
        lock (gate)
        {
            return spares.TryDequeue(out var spare) ? spare : null;
        }
    }

    public void MarkRemoved(ChaosNode node)
    {
        lock (gate)
        {
            members.Remove(node);
        }
    }

    public void MarkAdded(ChaosNode node)
    {
        lock (gate)
        {
            if (!members.Contains(node))
            {
                members.Add(node);
            }
        }
    }

    public TestNodeConfig ConfigOf(ChaosNode node) => Consortium.Nodes.Single(n => n.NodeId == node.NodeId);

    /// <summary>The member that says it leads (the highest term if two do, one of them stale), or null.</summary>
    public async Task<(ChaosNode Node, StatusResponse Status)?> FindLeaderAsync(CancellationToken cancel = default)
    {
        // Asked in parallel: a fault step resolves its target from this, and a slow node must not delay it.
        var nodes = Members;
        var statuses = await Task.WhenAll(nodes.Select(n => n.TryStatusAsync(cancel))).ConfigureAwait(false);
        (ChaosNode Node, StatusResponse Status)? best = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (statuses[i] is { Role: "Leader" } status && (best is null || status.Term > best.Value.Status.Term))
            {
                best = (nodes[i], status);
            }
        }

        return best;
    }

    public async Task<(ChaosNode Node, StatusResponse Status)> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await FindLeaderAsync(cancel).ConfigureAwait(false) is { } leader)
            {
                return leader;
            }

            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }

        throw new TimeoutException($"no member reported role Leader within {timeout}");
    }

    /// <summary>
    /// Waits until every member runs and reports the same height (at least <paramref name="heightMin"/>)
    /// and applied index, twice in a row; returns that height, or null on timeout (with the last statuses).
    /// </summary>
    public async Task<(ulong? Height, string LastSeen)> WaitForConvergenceAsync(ulong heightMin, TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        ulong? previous = null;
        while (DateTime.UtcNow < deadline)
        {
            var statuses = new List<(string Id, StatusResponse? Status)>();
            foreach (var node in Members)
            {
                statuses.Add((node.NodeId, await node.TryStatusAsync(cancel).ConfigureAwait(false)));
            }

            last = string.Join(", ", statuses.Select(s => s.Status is { } st ? $"{s.Id}:{st.Role} h={st.Height} commit={st.CommitIndex} applied={st.AppliedIndex}{(st.Fault.Length > 0 ? " fault=" + st.Fault : "")}" : $"{s.Id}:silent"));
            var answered = statuses.Where(s => s.Status is not null).Select(s => s.Status!).ToList();
            var agreed = answered.Count == statuses.Count
                && answered.TrueForAll(s => s.Height == answered[0].Height && s.AppliedIndex == answered[0].AppliedIndex && s.Fault.Length == 0)
                && answered[0].Height >= heightMin;
            if (agreed && previous == answered[0].Height)
            {
                return (previous, last);
            }

            previous = agreed ? answered[0].Height : null;
            await Task.Delay(PollInterval * 5, cancel).ConfigureAwait(false);
        }

        return (null, last);
    }

    public string RecentOutput() => string.Join(Environment.NewLine, AllNodes.Where(n => n.Starts > 0).Select(n => n.RecentOutput()));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in AllNodes)
        {
            node.Dispose();
        }

        await Mesh.DisposeAsync().ConfigureAwait(false);
        if (!keepRunDirectory)
        {
            Consortium.Dispose();
        }
    }
}
