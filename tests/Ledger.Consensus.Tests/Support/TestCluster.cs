namespace Ledger.Consensus.Tests.Support;

/// <summary>
/// In-memory network of <see cref="TestPeer"/>s: delivers messages in FIFO order, with dropped links,
/// isolation and an arbitrary drop filter.
/// </summary>
internal sealed class TestCluster
{
    private const int DeliveryRoundsMax = 10_000;
    private readonly SortedDictionary<ulong, TestPeer> peers = [];
    private readonly HashSet<(ulong From, ulong To)> cutLinks = [];
    private readonly List<Message> queue = [];

    public TestCluster(IEnumerable<TestPeer> members)
    {
        foreach (var peer in members)
        {
            peers[peer.Id] = peer;
        }
    }

    /// <summary>Messages removed by the filter or a cut link, for assertions.</summary>
    public List<Message> Dropped { get; } = [];

    /// <summary>Every message delivered, for assertions.</summary>
    public List<Message> Delivered { get; } = [];

    /// <summary>Return true to drop a message.</summary>
    public Func<Message, bool>? DropFilter { get; set; }

    public TestPeer this[ulong id] => peers[id];

    public IEnumerable<TestPeer> Peers => peers.Values;

    public static RaftConfig Config(ulong id, Func<RaftConfig, RaftConfig>? configure = null, int seed = 0)
    {
        var config = new RaftConfig
        {
            Id = id,
            ElectionTicks = 10,
            HeartbeatTicks = 1,
            PreVote = false,
            CheckQuorum = false,
            Random = new SeededRandomSource(seed * 1000 + (int)id),
        };
        return configure is null ? config : configure(config);
    }

    /// <summary>A cluster of voters 1..<paramref name="count"/>, with optional extra learners.</summary>
    public static TestCluster Create(int count, Func<RaftConfig, RaftConfig>? configure = null, ulong[]? learners = null, bool founding = false)
    {
        var voters = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            voters[i] = (ulong)(i + 1);
        }

        var confState = new ConfState(voters, learners ?? []);
        var members = new List<TestPeer>();
        foreach (var id in voters)
        {
            members.Add(new TestPeer(id, NewStorage(confState, founding), Config(id, configure)));
        }

        foreach (var id in learners ?? [])
        {
            members.Add(new TestPeer(id, NewStorage(confState, founding), Config(id, configure)));
        }

        return new TestCluster(members);
    }

    public void Add(TestPeer peer) => peers[peer.Id] = peer;

    /// <summary>Adds a brand-new node with empty storage, as a joining server starts.</summary>
    public TestPeer AddJoiner(ulong id, Func<RaftConfig, RaftConfig>? configure = null)
    {
        var peer = new TestPeer(id, new MemoryRaftLogStorage(ConfState.Empty), Config(id, configure));
        peers[id] = peer;
        return peer;
    }

    private static MemoryRaftLogStorage NewStorage(ConfState confState, bool founding) =>
        founding ? MemoryRaftLogStorage.ForFoundingMember(confState) : new MemoryRaftLogStorage(confState);

    public void Cut(ulong a, ulong b)
    {
        cutLinks.Add((a, b));
        cutLinks.Add((b, a));
    }

    public void Isolate(ulong id)
    {
        foreach (var other in peers.Keys)
        {
            if (other != id)
            {
                Cut(id, other);
            }
        }
    }

    public void Heal() => cutLinks.Clear();

    /// <summary>Elects <paramref name="id"/> by campaigning and letting the network settle.</summary>
    public TestPeer Elect(ulong id)
    {
        peers[id].Node.Campaign();
        Stabilize();
        return peers[id];
    }

    /// <summary>Processes Readies and delivers messages until nothing moves.</summary>
    public void Stabilize()
    {
        for (var round = 0; round < DeliveryRoundsMax; round++)
        {
            CollectReadies();
            if (queue.Count == 0)
            {
                return;
            }

            DeliverQueued();
        }

        throw new InvalidOperationException("Cluster did not settle.");
    }

    /// <summary>Ticks every node <paramref name="ticks"/> times, settling the network after each tick.</summary>
    public void Tick(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var peer in peers.Values)
            {
                peer.Node.Tick();
            }

            Stabilize();
        }
    }

    public void TickOne(ulong id, int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            peers[id].Node.Tick();
        }
    }

    public void Propose(ulong id, string text) => peers[id].Node.Propose(System.Text.Encoding.UTF8.GetBytes(text));

    public TestPeer Leader()
    {
        TestPeer? found = null;
        foreach (var peer in peers.Values)
        {
            if (peer.Node.Role == RaftRole.Leader && (found is null || peer.Node.Term > found.Node.Term))
            {
                found = peer;
            }
        }

        return found ?? throw new InvalidOperationException("No leader.");
    }

    /// <summary>Collects messages from all nodes without delivering them.</summary>
    public void CollectReadies()
    {
        foreach (var peer in peers.Values)
        {
            queue.AddRange(peer.Process());
        }
    }

    /// <summary>Takes (removes) queued messages matching <paramref name="match"/>, for manual delivery or inspection.</summary>
    public List<Message> Take(Func<Message, bool> match)
    {
        CollectReadies();
        var taken = queue.FindAll(m => match(m));
        queue.RemoveAll(m => match(m));
        return taken;
    }

    public void Deliver(Message m)
    {
        if (!peers.TryGetValue(m.To, out var target) || cutLinks.Contains((m.From, m.To)) || (DropFilter?.Invoke(m) ?? false))
        {
            Dropped.Add(m);
            return;
        }

        Delivered.Add(m);
        target.Node.Step(m);
    }

    private void DeliverQueued()
    {
        var batch = queue.ToArray();
        queue.Clear();
        foreach (var m in batch)
        {
            Deliver(m);
        }
    }
}
