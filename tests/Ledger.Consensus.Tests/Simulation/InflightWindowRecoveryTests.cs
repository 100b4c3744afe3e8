namespace Ledger.Consensus.Tests.Simulation;

/// <summary>
/// Regression for what the simulator found (mixed profile, 3 nodes): appends lost in the network filled a
/// follower's inflight window; nothing ever freed it, so replication to that live follower stopped for good.
/// </summary>
[TestFixture]
public sealed class InflightWindowRecoveryTests
{
    private const int InflightMax = 2;

    [Test]
    public void HeartbeatResponse_InflightWindowFullOfLostAppends_FollowerCatchesUp()
    {
        // Arrange: a leader replicating to follower 3 with a two-message window, and every append to 3 lost.
        var cluster = new DirectCluster(InflightMax);
        cluster.ElectNode1();
        cluster.DropAppendsTo = 3;
        for (var i = 0; i < InflightMax + 2; i++)
        {
            cluster.Leader.Propose(new byte[] { (byte)i });
            cluster.Pump();
        }

        Assert.That(cluster.Storage(3).LastIndex(), Is.LessThan(cluster.Storage(1).LastIndex()), "follower 3 must have missed the appends");

        // Act: the network heals; only heartbeats (and what they trigger) flow.
        cluster.DropAppendsTo = 0;
        for (var tick = 0; tick < 10; tick++)
        {
            cluster.Leader.Tick();
            cluster.Pump();
        }

        // Assert
        Assert.That(cluster.Storage(3).LastIndex(), Is.EqualTo(cluster.Storage(1).LastIndex()));
    }

    /// <summary>Three nodes, messages routed synchronously; the host follows the Ready contract.</summary>
    private sealed class DirectCluster
    {
        private readonly RaftNode[] nodes = new RaftNode[3];
        private readonly MemoryRaftLogStorage[] storages = new MemoryRaftLogStorage[3];
        private readonly List<Message> network = [];

        public DirectCluster(int inflightMax)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                storages[i] = MemoryRaftLogStorage.WithVoters(1, 2, 3);
                nodes[i] = new RaftNode(
                    new RaftConfig { Id = (ulong)(i + 1), Random = new SeededRandomSource(i), MaxInflightMessages = inflightMax, MaxEntriesPerAppend = 1 },
                    storages[i]);
            }
        }

        public RaftNode Leader => nodes[0];

        public ulong DropAppendsTo { get; set; }

        public MemoryRaftLogStorage Storage(ulong id) => storages[id - 1];

        public void ElectNode1()
        {
            Leader.Campaign();
            Pump();
            Assert.That(Leader.Role, Is.EqualTo(RaftRole.Leader));
        }

        public void Pump()
        {
            for (var round = 0; round < 100; round++)
            {
                for (var i = 0; i < nodes.Length; i++)
                {
                    if (nodes[i].HasReady())
                    {
                        var ready = nodes[i].GetReady();
                        if (ready.Entries.Count > 0)
                        {
                            storages[i].Append(ready.Entries);
                        }

                        if (ready.HardState is { } hardState)
                        {
                            storages[i].SetHardState(hardState);
                        }

                        foreach (var message in ready.MessagesBeforePersist)
                        {
                            network.Add(message.Detach());
                        }

                        foreach (var message in ready.MessagesAfterPersist)
                        {
                            network.Add(message.Detach());
                        }

                        nodes[i].Advance(ready);
                    }
                }

                if (network.Count == 0)
                {
                    return;
                }

                var batch = network.ToArray();
                network.Clear();
                foreach (var message in batch)
                {
                    if (message.Type == MessageType.App && message.To == DropAppendsTo)
                    {
                        continue;
                    }

                    nodes[message.To - 1].Step(message);
                }
            }
        }
    }
}
