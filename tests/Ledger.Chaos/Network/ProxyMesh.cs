namespace Ledger.Chaos.Network;

/// <summary>
/// A <see cref="FaultProxy"/> for every ordered pair of nodes: node A reaches node B only through
/// the A→B proxy, so each direction of each peer link can fail on its own. When the nodes' public
/// ports are given, the workload's clients reach each node through a proxy of its own too, so a
/// client can lose (or slowly reach) one node while the peers still see it.
/// </summary>
public sealed class ProxyMesh : IAsyncDisposable
{
    private readonly Dictionary<(string From, string To), FaultProxy> proxies = [];
    private readonly Dictionary<string, FaultProxy> clientProxies = new(StringComparer.Ordinal);

    /// <param name="peerPorts">Every node id (founders and nodes that may join later) and its real peer port.</param>
    /// <param name="publicPorts">Every node id and its real public (client) port; null leaves clients direct.</param>
    public ProxyMesh(IReadOnlyDictionary<string, int> peerPorts, int seed, IReadOnlyDictionary<string, int>? publicPorts = null)
    {
        ArgumentNullException.ThrowIfNull(peerPorts);
        var index = 0;
        foreach (var from in peerPorts.Keys)
        {
            foreach (var (to, port) in peerPorts)
            {
                if (from != to)
                {
                    proxies[(from, to)] = new FaultProxy(port, jitterSeed: seed + index++);
                }
            }
        }

        NodeIds = [.. peerPorts.Keys];
        foreach (var (node, port) in publicPorts ?? new Dictionary<string, int>())
        {
            clientProxies[node] = new FaultProxy(port, jitterSeed: seed + index++);
        }
    }

    public IReadOnlyList<string> NodeIds { get; }

    public FaultProxy this[string from, string to] => proxies[(from, to)];

    /// <summary><c>--Node:Peers</c> flags that route <paramref name="from"/>'s peer traffic through its proxies.</summary>
    public IReadOnlyList<string> PeerArgumentsFor(string from, string scheme) =>
        [.. NodeIds.Where(to => to != from).Select((to, i) => $"--Node:Peers:{i}={to}={scheme}://127.0.0.1:{this[from, to].Port}")];

    public void Set(string from, string to, LinkState state) => this[from, to].State = state;

    /// <summary>Whether clients go through proxies (<see cref="ClientUrlFor"/>, <see cref="SetClientLink"/>).</summary>
    public bool HasClientLinks => clientProxies.Count > 0;

    /// <summary>The URL clients use for <paramref name="node"/>: its client proxy, or null when clients go direct.</summary>
    public string? ClientUrlFor(string node) =>
        clientProxies.TryGetValue(node, out var proxy) ? $"http://127.0.0.1:{proxy.Port}" : null;

    /// <summary>Sets the state of the link from every client to <paramref name="node"/>.</summary>
    public void SetClientLink(string node, LinkState state) => clientProxies[node].State = state;

    /// <summary>Cuts every link between the two sides, both directions.</summary>
    public void Cut(IEnumerable<string> sideA, IEnumerable<string> sideB, LinkMode mode)
    {
        var cut = new LinkState { Mode = mode };
        var b = sideB.ToList();
        foreach (var x in sideA)
        {
            foreach (var y in b.Where(y => y != x))
            {
                Set(x, y, cut);
                Set(y, x, cut);
            }
        }
    }

    public void HealAll()
    {
        foreach (var proxy in proxies.Values)
        {
            proxy.State = LinkState.Healthy;
        }

        foreach (var proxy in clientProxies.Values)
        {
            proxy.State = LinkState.Healthy;
        }
    }

    /// <summary>The links that are not healthy now, for the run's log.</summary>
    public IEnumerable<string> DescribeFaults() =>
        proxies.Where(p => !p.Value.State.IsHealthy).Select(p => $"{p.Key.From}->{p.Key.To}:{p.Value.State}")
            .Concat(clientProxies.Where(p => !p.Value.State.IsHealthy).Select(p => $"clients->{p.Key}:{p.Value.State}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in proxies.Values.Concat(clientProxies.Values))
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }
}
