using System.Buffers.Binary;
using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// One deterministic run: N Raft nodes in this process, driven tick by tick by a single seeded
/// <see cref="Random"/> (each node's election jitter draws from a source seeded by it), with a
/// host loop per node that follows the <see cref="Ready"/> contract (send the early messages, persist,
/// sync when required, send the rest, apply, advance), crashing at the worst moments in between. Phase one is chaos; phase two heals everything and measures recovery.
/// </summary>
public sealed class ClusterSimulation
{
    /// <summary>Readies drained per node per tick; more means the node is spinning.</summary>
    private const int ReadiesPerTickMax = 64;

    /// <summary>Ticks between liveness proposals while waiting for a leader to commit one.</summary>
    private const int LivenessProposeEveryTicks = 5;

    private const byte ProposalTag = 0x50;
    private const byte LivenessTag = 0x4C;

    private readonly SimulationOptions options;
    private readonly ScenarioProfile profile;
    private readonly Random random;
    private readonly SimNode[] nodes;
    private readonly SimNetwork network;
    private readonly SafetyChecker checker;
    private readonly TraceLog trace;
    private readonly int maxEntriesPerAppend;
    private readonly int downNodesMax;
    private readonly bool preVote;
    private readonly bool checkQuorum;
    private long tick;
    private ulong proposalSequence;
    private bool chaos = true;
    private bool livenessCommitted;

    public ClusterSimulation(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Nodes is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Nodes, "Nodes must be in [1, 64].");
        }

        this.options = options;
        profile = options.Profile;
        random = new Random(options.Seed);
        trace = new TraceLog(options.TraceCapacity);
        var voters = new ulong[options.Nodes];
        for (var i = 0; i < voters.Length; i++)
        {
            voters[i] = (ulong)(i + 1);
        }

        var bootstrap = new ConfState(voters, []);
        nodes = new SimNode[options.Nodes + SimulationOptions.SpareNodes];
        for (var i = 0; i < nodes.Length; i++)
        {
            // Spares start from the genesis membership too (as from the genesis file): the log does not carry
            // the initial configuration, so a node that replays conf changes from an empty membership would
            // believe, e.g., that it is the only voter after "AddNode(self)" and elect itself.
            nodes[i] = new SimNode((ulong)(i + 1), bootstrap);
        }

        network = new SimNetwork(nodes.Length);
        checker = new SafetyChecker(nodes);
        maxEntriesPerAppend = profile.MaxEntriesPerAppendChoices[random.Next(profile.MaxEntriesPerAppendChoices.Count)];
        preVote = Chance(profile.PreVotePerMille);
        checkQuorum = Chance(profile.CheckQuorumPerMille);
        downNodesMax = (options.Nodes + 1) / 2;
    }

    public static SimulationResult Run(SimulationOptions options, bool keepTrace = false) => new ClusterSimulation(options).Run(keepTrace);

    public SimulationResult Run(bool keepTrace)
    {
        SimulationViolationException? violation = null;
        var ticksToRecover = -1;
        try
        {
            foreach (var node in nodes)
            {
                Start(node);
            }

            for (var i = 0; i < options.ChaosTicks; i++)
            {
                Step();
            }

            ticksToRecover = Recover();
        }
        catch (SimulationViolationException ex)
        {
            violation = ex;
        }
        catch (RaftInvariantException ex)
        {
            violation = new SimulationViolationException(ViolationKind.RaftInvariant, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            violation = new SimulationViolationException(ViolationKind.UnexpectedException, $"{ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
        }

        return new SimulationResult
        {
            Options = options,
            Violation = violation,
            TicksToRecover = ticksToRecover,
            TraceHash = trace.Hash,
            TraceEvents = trace.Count,
            Ticks = tick,
            CommittedMax = checker.CommittedMax,
            TraceTail = violation is not null || keepTrace ? trace.Tail(options.TraceCapacity) : [],
        };
    }

    /// <summary>Heals the network, restarts every crashed node, finishes slow disks, then waits for a fresh commit.</summary>
    private int Recover()
    {
        chaos = false;
        network.HealAll();
        Trace(TraceKind.Heal, 0, 0, 0, 0, "recovery phase: network healed, faults off");
        foreach (var node in nodes)
        {
            if (!node.IsUp)
            {
                Restart(node);
            }
            else if (node.SlowReady is { } ready)
            {
                node.SlowReady = null;
                Complete(node, ready);
            }
        }

        var start = tick;
        for (var i = 0; i < options.LivenessTicksMax; i++)
        {
            Step();
            if (livenessCommitted)
            {
                checker.CheckCommittedDurable("end of run");
                var recovered = (int)(tick - start);
                Trace(TraceKind.Liveness, 0, (ulong)recovered, 0, 0, "fresh proposal committed");
                return recovered;
            }

            if (i % LivenessProposeEveryTicks == 0 && FindLeader() is { } leader)
            {
                var data = NewPayload(LivenessTag);
                leader.Raft!.TryPropose(data, out _);
                Trace(TraceKind.Propose, leader.Id, 1, proposalSequence, 0, "liveness probe");
            }
        }

        throw new SimulationViolationException(ViolationKind.Liveness, $"No fresh proposal committed within {options.LivenessTicksMax} ticks after healing ({DescribeLeader()}).");
    }

    private void Step()
    {
        tick++;
        if (chaos)
        {
            InjectFaultsAndWork();
        }

        foreach (var node in nodes)
        {
            if (node.IsUp && node.RestartTick == 0)
            {
                TickNode(node);
            }
            else if (!node.IsUp && node.RestartTick <= tick)
            {
                Restart(node);
            }
        }

        foreach (var node in nodes)
        {
            if (node.SlowReady is { } ready && node.SlowReadyDoneTick <= tick)
            {
                node.SlowReady = null;
                Complete(node, ready);
            }
        }

        DeliverDue();
        foreach (var node in nodes)
        {
            Drain(node);
        }

        if (chaos)
        {
            foreach (var node in nodes)
            {
                if (node.IsUp && Chance(profile.BackgroundFlushPerMille))
                {
                    node.Sync();
                }
            }
        }
    }

    private void TickNode(SimNode node)
    {
        var ticks = 1;
        if (chaos && Chance(profile.ClockJumpPerMille))
        {
            ticks = random.Next(2, profile.ClockJumpTicksMax + 1);
            Trace(TraceKind.ClockJump, node.Id, (ulong)ticks, 0, 0, null);
        }

        for (var i = 0; i < ticks; i++)
        {
            node.Raft!.Tick();
            AfterCall(node);
        }
    }

    private void DeliverDue()
    {
        while (network.TryDequeueDue(tick, out var inFlight))
        {
            var message = inFlight.Message;
            var target = nodes[(int)message.To - 1];
            var reason = !target.IsUp ? "target down"
                : network.IsBlocked(message.From, message.To) ? "partitioned"
                : null;
            if (reason is not null)
            {
                Trace(TraceKind.Drop, message.To, 0, 0, 0, message);
                ReportSnapshotOutcome(message, SnapshotStatus.Failure);
                ReportUnreachable(message);
                continue;
            }

            Trace(TraceKind.Deliver, message.To, 0, 0, 0, message);
            target.Raft!.Step(message);
            AfterCall(target);
            ReportSnapshotOutcome(message, SnapshotStatus.Finished);
        }
    }

    private void ReportSnapshotOutcome(Message message, SnapshotStatus status)
    {
        if (message.Type != MessageType.Snap)
        {
            return;
        }

        var sender = nodes[(int)message.From - 1];
        if (sender.IsUp)
        {
            sender.Raft!.ReportSnapshot(message.To, status);
            AfterCall(sender);
        }
    }

    /// <summary>A transport notices a peer that is down or cut off (the connection fails); lost packets it cannot notice.</summary>
    private void ReportUnreachable(Message message)
    {
        var sender = nodes[(int)message.From - 1];
        if (sender.IsUp && message.Type is MessageType.App or MessageType.Heartbeat)
        {
            sender.Raft!.ReportUnreachable(message.To);
            AfterCall(sender);
        }
    }

    private void Send(Message message)
    {
        if (chaos && Chance(profile.DropPerMille))
        {
            Trace(TraceKind.Drop, message.From, 1, 0, 0, message);
            ReportSnapshotOutcome(message, SnapshotStatus.Failure);
            return;
        }

        // In flight for several ticks, past the Advance of its Ready: the network keeps its own copy of the entries.
        message = message.Detach();
        network.Enqueue(message, tick + Delay());
        if (chaos && Chance(profile.DuplicatePerMille))
        {
            Trace(TraceKind.Duplicate, message.From, 0, 0, 0, message);
            network.Enqueue(message, tick + Delay());
        }
    }

    private int Delay() => chaos ? random.Next(1, profile.DelayTicksMax + 1) : 1;

    /// <summary>The host loop: take Readies until none is left or the disk is busy.</summary>
    private void Drain(SimNode node)
    {
        for (var i = 0; i < ReadiesPerTickMax; i++)
        {
            if (!node.IsUp || node.SlowReady is not null || !node.Raft!.HasReady())
            {
                return;
            }

            var ready = node.Raft.GetReady();
            var persists = ready.Snapshot is not null || ready.Entries.Count > 0 || ready.MustSync;

            // Contract step 1: a leader's appends leave before its own write (§10.2.1), also while a slow disk works.
            foreach (var message in ready.MessagesBeforePersist)
            {
                Send(message);
            }

            if (chaos && persists && ready.MessagesBeforePersist.Count > 0 && Chance(profile.CrashBeforePersistPerMille) && DownCount() < downNodesMax)
            {
                // The early messages are out, the write never happened: the node loses everything this Ready held.
                Trace(TraceKind.Crash, node.Id, 0, 0, 0, "between sending early messages and persisting");
                Crash(node, quickRestart: true);
                return;
            }

            if (chaos && persists && Chance(profile.SlowDiskPerMille))
            {
                node.SlowReady = ready;
                node.SlowReadyDoneTick = tick + random.Next(1, profile.SlowDiskTicksMax + 1);
                Trace(TraceKind.SlowDisk, node.Id, (ulong)node.SlowReadyDoneTick, 0, 0, null);
                return;
            }

            Complete(node, ready);
        }
    }

    /// <summary>
    /// Carries out the rest of one Ready in contract order (its early messages already left in <see cref="Drain"/>):
    /// snapshot, entries and hard state (fsync if MustSync), the messages that wait for persistence, apply, Advance.
    /// </summary>
    private void Complete(SimNode node, Ready ready)
    {
        var raft = node.Raft!;
        if (ready.SoftState is { } soft)
        {
            Trace(TraceKind.Role, node.Id, raft.Term, soft.Leader, 0, soft.Role.ToString());
        }

        Trace(
            TraceKind.Ready,
            node.Id,
            (ulong)ready.Entries.Count,
            ready.Entries.Count > 0 ? ready.Entries[^1].Index : 0,
            (ulong)ready.CommittedEntries.Count,
            ready.HardState is { } hs ? $"hs={hs.Term}/{hs.Vote}/{hs.Commit} sync={ready.MustSync} msgs={ready.MessagesBeforePersist.Count}+{ready.MessagesAfterPersist.Count}{(ready.Snapshot is null ? string.Empty : $" snapshot={ready.Snapshot.Metadata.Index}")}" : $"msgs={ready.MessagesBeforePersist.Count}+{ready.MessagesAfterPersist.Count}{(ready.Snapshot is null ? string.Empty : $" snapshot={ready.Snapshot.Metadata.Index}")}");

        if (ready.Snapshot is { } snapshot)
        {
            node.Storage.ApplySnapshot(snapshot);
            node.State = MachineState.FromSnapshot(snapshot);
            checker.OnSnapshot(node, node.State);
        }

        if (ready.Entries.Count > 0)
        {
            node.Storage.Append(ready.Entries);
            checker.OnEntriesPersisted(node, ready.Entries);
        }

        if (ready.HardState is { } hardState)
        {
            node.UnsyncedHardState = hardState;
        }

        if (ready.MustSync || ready.Snapshot is not null || ready.Entries.Count > 0)
        {
            node.Sync();
        }

        checker.OnLeaderPersisted(node, ready.Entries);
        foreach (var message in ready.MessagesAfterPersist)
        {
            Send(message);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            Apply(node, entry);
        }

        raft.Advance(ready);
        AfterCall(node);
        if (chaos && ready.MustSync && Chance(profile.CrashAfterSyncPerMille) && DownCount() < downNodesMax)
        {
            // A crash at the worst moment: what this Ready promised has been sent; only durable state survives.
            Crash(node, quickRestart: true);
        }
    }

    private int DownCount()
    {
        var down = 0;
        foreach (var node in nodes)
        {
            down += node.IsUp ? 0 : 1;
        }

        return down;
    }

    private void Apply(SimNode node, Entry entry)
    {
        if (entry.Index != node.State.Applied + 1)
        {
            throw new SimulationViolationException(ViolationKind.Monotonicity, $"Node {node.Id} was handed entry {entry.Index} to apply after applying {node.State.Applied}.");
        }

        var conf = node.State.Conf;
        if (entry.Type == EntryType.ConfChange)
        {
            var change = ConfChange.Decode(entry.Data);
            conf = node.Raft!.ApplyConfChange(change);
            Trace(TraceKind.ConfChange, node.Id, entry.Index, 0, 0, $"applied {change.Type} {change.NodeId} -> {conf}");
        }

        var dataHash = MachineState.DataHash(entry);
        node.State = node.State.Apply(entry, dataHash, conf);
        Trace(TraceKind.Apply, node.Id, entry.Index, entry.Term, 0, null);
        checker.OnApplied(node, entry, dataHash, node.State);
        if (!chaos && entry.Data.Length > 0 && entry.Type == EntryType.Normal && entry.Data.Span[0] == LivenessTag)
        {
            livenessCommitted = true;
        }
    }

    private void AfterCall(SimNode node)
    {
        var raft = node.Raft!;
        checker.AfterCall(node);
        var soft = new SoftState(raft.Leader, raft.Role);
        if (soft != node.LastSoftState)
        {
            node.LastSoftState = soft;
            if (soft.Role == RaftRole.Leader)
            {
                Trace(TraceKind.Role, node.Id, raft.Term, soft.Leader, 0, "became Leader");
            }
        }
    }

    private void Start(SimNode node)
    {
        node.Raft = new RaftNode(NodeConfig(node), node.Storage);
        node.LastCommitted = node.Raft.Committed;
        node.LastApplied = node.Raft.Applied;
    }

    private RaftConfig NodeConfig(SimNode node) => new()
    {
        Id = node.Id,
        ElectionTicks = 10,
        HeartbeatTicks = 1,
        Applied = node.DurableState.Applied,
        MaxEntriesPerAppend = maxEntriesPerAppend,
        MaxInflightMessages = 64,
        PreVote = preVote,
        CheckQuorum = checkQuorum,
        Random = new SeededRandomSource(random.Next()),
        Bugs = options.Bugs,
        Incarnation = (ulong)node.Incarnation + 1,
    };

    private void Crash(SimNode node, bool quickRestart)
    {
        node.Crash();
        node.RestartTick = tick + (quickRestart ? random.Next(1, 4) : random.Next(profile.RestartTicksMin, profile.RestartTicksMax + 1));
        var hardState = node.Storage.HardState;
        Trace(TraceKind.Crash, node.Id, node.Storage.LastIndex(), hardState.Commit, 0, $"restart at t={node.RestartTick}");
        if (Chance(profile.RollbackPerMille))
        {
            RollBack(node);
        }

        checker.CheckCommittedDurable($"after node {node.Id} crashed");
    }

    /// <summary>
    /// The crashed node's disk loses part of its log tail: only entries it knows committed or applied are kept (older
    /// ones too would need an older state-machine image). It may have acknowledged the lost ones.
    /// </summary>
    private void RollBack(SimNode node)
    {
        // One damaged disk at a time: like crashes, storage faults must leave intact copies (and the watermarks
        // describing them) on the rest; no protocol survives every copy of a committed entry being forgotten.
        foreach (var other in nodes)
        {
            if (other != node && other.IsDamaged())
            {
                return;
            }
        }

        var floor = Math.Max(Math.Max(node.Storage.HardState.Commit, node.DurableState.Applied), node.Storage.Snapshot().Metadata.Index);
        var last = node.Storage.LastIndex();
        if (floor >= last)
        {
            return;
        }

        var keep = floor + (ulong)random.Next(0, (int)Math.Min(last - floor, int.MaxValue));
        node.LoseTailAfter(keep, checker.CommittedMax);
        checker.OnStorageRolledBack();
        Trace(TraceKind.Rollback, node.Id, last, keep, 0, "disk lost its log tail");
    }

    private void Restart(SimNode node)
    {
        // The host persisted membership with its applied index; the restarted node starts from that pair.
        node.Storage.SetConfState(node.DurableState.Conf);
        node.RestartTick = 0;
        Start(node);
        var raft = node.Raft!;
        node.LastSoftState = new SoftState(raft.Leader, raft.Role);
        Trace(TraceKind.Restart, node.Id, raft.Term, raft.Committed, raft.Applied, null);
    }

    private void InjectFaultsAndWork()
    {
        if (Chance(profile.ProposePerMille))
        {
            Propose();
        }

        if (Chance(profile.ConfChangePerMille))
        {
            ChangeMembership();
        }

        if (Chance(profile.TransferPerMille) && FindLeader() is { } leader)
        {
            var voters = leader.State.Conf.Voters;
            var target = voters[random.Next(voters.Length)];
            Trace(TraceKind.Transfer, leader.Id, target, 0, 0, null);
            leader.Raft!.TransferLeadership(target);
            AfterCall(leader);
        }

        if (Chance(profile.SnapshotPerMille))
        {
            TakeSnapshot(nodes[random.Next(nodes.Length)]);
        }

        if (Chance(profile.CrashPerMille))
        {
            var victim = Chance(profile.CrashLeaderPerMille) && FindLeader() is { } target ? target : nodes[random.Next(nodes.Length)];
            if (victim.IsUp && DownCount() < downNodesMax)
            {
                Crash(victim, quickRestart: false);
            }
        }

        if (Chance(profile.PartitionPerMille))
        {
            Partition();
        }
        else if (network.HasPartition && Chance(profile.HealPerMille))
        {
            network.HealAll();
            Trace(TraceKind.Heal, 0, 0, 0, 0, null);
        }
    }

    private void Propose()
    {
        var leader = FindLeader();
        var target = leader is not null && Chance(700) ? leader : nodes[random.Next(nodes.Length)];
        if (!target.IsUp)
        {
            return;
        }

        var count = random.Next(1, profile.ProposalBurstMax + 1);
        var first = proposalSequence + 1;
        for (var i = 0; i < count; i++)
        {
            target.Raft!.TryPropose(NewPayload(ProposalTag), out _);
        }

        AfterCall(target);
        Trace(TraceKind.Propose, target.Id, (ulong)count, first, 0, null);
    }

    private byte[] NewPayload(byte tag)
    {
        var data = new byte[16];
        data[0] = tag;
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(8), ++proposalSequence);
        return data;
    }

    /// <summary>Single-server changes: promote a learner, add a spare as learner or voter, or remove a voter (keeping at least 3).</summary>
    private void ChangeMembership()
    {
        if (FindLeader() is not { } leader)
        {
            return;
        }

        var conf = leader.State.Conf;
        ConfChange change;
        if (conf.Learners.Length > 0 && Chance(600))
        {
            change = new ConfChange(ConfChangeType.AddNode, conf.Learners[random.Next(conf.Learners.Length)]);
        }
        else if (conf.Voters.Length > 3 && Chance(500))
        {
            change = new ConfChange(ConfChangeType.RemoveNode, conf.Voters[random.Next(conf.Voters.Length)]);
        }
        else
        {
            var outsider = 0UL;
            foreach (var node in nodes)
            {
                if (!conf.Contains(node.Id) && (outsider == 0 || Chance(500)))
                {
                    outsider = node.Id;
                }
            }

            if (outsider == 0)
            {
                if (conf.Voters.Length <= 3)
                {
                    return;
                }

                change = new ConfChange(ConfChangeType.RemoveNode, conf.Voters[random.Next(conf.Voters.Length)]);
            }
            else
            {
                change = new ConfChange(Chance(700) ? ConfChangeType.AddLearner : ConfChangeType.AddNode, outsider);
            }
        }

        try
        {
            leader.Raft!.ProposeConfChange(change);
            Trace(TraceKind.ConfChange, leader.Id, 0, 0, 0, $"proposed {change.Type} {change.NodeId}");
        }
        catch (ProposalDroppedException ex)
        {
            Trace(TraceKind.ConfChange, leader.Id, 0, 0, 0, $"refused {change.Type} {change.NodeId}: {ex.Reason}");
        }

        AfterCall(leader);
    }

    /// <summary>Host-side snapshot at the applied index (after a sync, so the image is durable), then compaction.</summary>
    private void TakeSnapshot(SimNode node)
    {
        if (!node.IsUp || node.SlowReady is not null)
        {
            return;
        }

        var index = node.State.Applied;
        if (index <= node.Storage.Snapshot().Metadata.Index || index > node.Storage.LastIndex())
        {
            return;
        }

        node.Sync();
        var image = node.State;
        node.Storage.CreateSnapshot(index, image.Conf, image.Encode());
        checker.OnSnapshot(node, image);

        // Keep a random tail so lagging followers sometimes catch up from the log, sometimes need the snapshot.
        var keep = (ulong)random.Next(0, 8);
        var compactTo = index > keep ? index - keep : index;
        if (compactTo >= node.Storage.FirstIndex())
        {
            node.Storage.Compact(compactTo);
        }

        Trace(TraceKind.Snapshot, node.Id, index, compactTo, 0, null);
    }

    private void Partition()
    {
        if (Chance(profile.IsolateLeaderPerMille) && FindLeader() is { } leader)
        {
            foreach (var other in nodes)
            {
                if (other.Id != leader.Id)
                {
                    network.Block(leader.Id, other.Id);
                    network.Block(other.Id, leader.Id);
                }
            }

            Trace(TraceKind.Partition, leader.Id, 0, 0, 0, "leader isolated");
        }
        else if (Chance(500))
        {
            // Symmetric: a random side cut off from the rest, both directions.
            var side = new bool[nodes.Length];
            var members = new List<ulong>();
            foreach (var node in nodes)
            {
                side[node.Id - 1] = Chance(400);
                if (side[node.Id - 1])
                {
                    members.Add(node.Id);
                }
            }

            foreach (var a in nodes)
            {
                foreach (var b in nodes)
                {
                    if (side[a.Id - 1] != side[b.Id - 1])
                    {
                        network.Block(a.Id, b.Id);
                    }
                }
            }

            Trace(TraceKind.Partition, 0, 0, 0, 0, $"symmetric: [{string.Join(',', members)}] | rest");
        }
        else
        {
            // Asymmetric: one node stops hearing from (or reaching) some others.
            var node = nodes[random.Next(nodes.Length)];
            var inbound = Chance(500);
            var cut = new List<ulong>();
            foreach (var other in nodes)
            {
                if (other.Id != node.Id && Chance(600))
                {
                    cut.Add(other.Id);
                    if (inbound)
                    {
                        network.Block(other.Id, node.Id);
                    }
                    else
                    {
                        network.Block(node.Id, other.Id);
                    }
                }
            }

            Trace(TraceKind.Partition, node.Id, 0, 0, 0, $"asymmetric: {(inbound ? "cannot hear" : "cannot reach")} [{string.Join(',', cut)}]");
        }
    }

    private string DescribeLeader()
    {
        if (FindLeader() is not { } leader)
        {
            return "no leader";
        }

        var status = leader.Raft!.Status;
        var progress = string.Join("; ", status.Progress.Select(p => $"{p.Id}: match={p.Match} next={p.Next} {p.State} inflight={p.InflightCount}{(p.IsLearner ? " learner" : string.Empty)}{(p.RecentActive ? " active" : string.Empty)}"));
        return $"leader {leader.Id} term {status.HardState.Term} commit {status.HardState.Commit} last {status.LastIndex} {status.ConfState}; progress {progress}";
    }

    /// <summary>The up leader with the highest term, if any.</summary>
    private SimNode? FindLeader()
    {
        SimNode? best = null;
        foreach (var node in nodes)
        {
            if (node.IsUp && node.Raft!.Role == RaftRole.Leader && (best is null || node.Raft.Term > best.Raft!.Term))
            {
                best = node;
            }
        }

        return best;
    }

    private bool Chance(int perMille) => perMille > 0 && random.Next(1000) < perMille;

    private void Trace(TraceKind kind, ulong node, ulong a, ulong b, ulong c, object? detail) =>
        trace.Add(new TraceEvent(tick, kind, node, a, b, c, detail));
}
