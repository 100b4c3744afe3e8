using System.Globalization;
using Ledger.Chaos.Network;

namespace Ledger.Chaos.Faults;

/// <summary>
/// One fault of a schedule. Everything here comes from the seed; which node it hits is resolved when
/// the step runs (<see cref="TargetsLeader"/> means the leader of that moment, otherwise <see cref="Pick"/>
/// indexes the nodes of that moment).
/// </summary>
public sealed record FaultStep
{
    public required int Number { get; init; }

    /// <summary>Time from the start of the fault phase.</summary>
    public required TimeSpan At { get; init; }

    public required FaultKind Kind { get; init; }

    /// <summary>How long the fault lasts before it is healed (the node restarted, resumed, the link healed).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>How long the step takes at least: its <see cref="Duration"/>, plus a power loss's pauses between restarts.</summary>
    public TimeSpan Span => Duration + (PowerLoss?.GapsTotal ?? TimeSpan.Zero);

    public bool TargetsLeader { get; init; }

    /// <summary>Resolves "a random node" at run time: index (mod the node count then) of the target.</summary>
    public int Pick { get; init; }

    /// <summary>Second node of a link fault (mod the other nodes then).</summary>
    public int PickOther { get; init; }

    public PartitionShape Shape { get; init; }

    /// <summary>Partition: how the cut links fail (drop or blackhole).</summary>
    public LinkMode CutMode { get; init; } = LinkMode.Drop;

    /// <summary>Link fault: the state the link takes.</summary>
    public LinkState? Link { get; init; }

    /// <summary>Link fault: both directions, not just one.</summary>
    public bool BothDirections { get; init; }

    /// <summary>Link fault: the link from the clients to node <see cref="Pick"/> instead of a peer link (when clients go through proxies).</summary>
    public bool ClientLink { get; init; }

    public long ClockOffsetMilliseconds { get; init; }

    public int ClockDriftPpm { get; init; }

    /// <summary>Power loss: who goes down and how they come back.</summary>
    public PowerLossPlan? PowerLoss { get; init; }

    public string Describe()
    {
        var at = At.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var lasting = Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var target = TargetsLeader ? "leader" : $"node#{Pick}";
        var detail = Kind switch
        {
            FaultKind.KillLeader or FaultKind.KillRandom => $"{target} down {lasting}s",
            FaultKind.Pause => $"{target} stopped {lasting}s",
            FaultKind.PowerLoss => $"{PowerLoss?.ToString() ?? "all nodes"}; down {lasting}s",
            FaultKind.Partition => $"{Shape} pick={Pick} {CutMode.ToString().ToLowerInvariant()} for {lasting}s",
            FaultKind.Link when ClientLink => $"clients->node#{Pick} {Link} for {lasting}s",
            FaultKind.Link => $"node#{Pick}->other#{PickOther}{(BothDirections ? " both ways" : "")} {Link} for {lasting}s",
            FaultKind.Clock => $"{target} restarted with clock offset {ClockOffsetMilliseconds}ms drift {ClockDriftPpm}ppm",
            FaultKind.Disk => $"{target} stopped, files damaged, restarted after {lasting}s",
            FaultKind.Membership => $"add a fresh node by governance, then remove {target}",
            _ => "",
        };
        return $"#{Number} +{at}s {FaultKinds.NameOf(Kind)} {detail}";
    }
}
