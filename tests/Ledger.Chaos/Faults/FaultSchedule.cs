using Ledger.Chaos.Network;
using Ledger.Chaos.Options;

namespace Ledger.Chaos.Faults;

/// <summary>
/// The run's faults, drawn from one <see cref="Random"/> seeded with the run's seed and nothing else:
/// the same options and seed give the same schedule, byte for byte, so a failing seed replays.
/// Faults follow one another (each is healed before the next starts); a membership change runs in
/// the background while the next faults go on.
/// </summary>
public sealed class FaultSchedule
{
    /// <summary>Membership changes per run: each needs a node slot (id, keys, ports, proxies) made up front.</summary>
    public const int MembershipChangesMax = 4;

    /// <summary>Quiet time before the first fault, so the cluster elects and the workload starts.</summary>
    public static readonly TimeSpan FirstFaultAfterMax = TimeSpan.FromSeconds(3);

    /// <summary>Quiet time at the end, before the heal, so the last fault is over by then.</summary>
    public static readonly TimeSpan QuietEndMax = TimeSpan.FromSeconds(5);

    /// <summary>Longer than the nodes' election timeout (<c>ElectionTicks</c> × <c>TickMilliseconds</c> = 200 ms in <see cref="Cluster.ChaosCluster"/>), so a pause costs the leader its term.</summary>
    public static readonly TimeSpan PauseMin = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan DownMin = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan DownMax = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan NetworkFaultMin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NetworkFaultMax = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan GapMin = TimeSpan.FromMilliseconds(300);
    private const int ClockOffsetMillisecondsMax = 20_000;
    private const int ClockDriftPpmMax = 20_000;

    private FaultSchedule(int seed, IReadOnlyList<FaultStep> steps)
    {
        Seed = seed;
        Steps = steps;
    }

    public int Seed { get; }

    public IReadOnlyList<FaultStep> Steps { get; }

    public int MembershipChanges => Steps.Count(s => s.Kind == FaultKind.Membership);

    public static FaultSchedule Generate(ChaosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var steps = new List<FaultStep>();
        var kinds = options.FaultKinds;
        var pool = FaultKinds.DrawPool(kinds);
        var duration = options.Duration;
        var interval = TimeSpan.FromSeconds(options.FaultIntervalSeconds);
        var end = duration - Min(QuietEndMax, duration * 0.2);
        var at = Min(FirstFaultAfterMax, duration * 0.1);
        var membership = 0;
        while (kinds.Count > 0 && at < end)
        {
            var kind = pool[random.Next(pool.Count)];
            if (kind == FaultKind.Membership && membership == MembershipChangesMax)
            {
                kind = FaultKind.KillRandom;
            }

            var room = Min(interval * 0.8, end - at);
            var step = Draw(random, kind, steps.Count + 1, Round(at), room, options);
            membership += kind == FaultKind.Membership ? 1 : 0;
            steps.Add(step);
            var next = at + (interval * (0.75 + (random.NextDouble() * 0.5)));
            at = Round(Max(next, step.At + step.Span + GapMin));
        }

        return new FaultSchedule(options.Seed, steps);
    }

    /// <summary>The schedule as printed at the start of a run (and compared by the replay test).</summary>
    public string Format() =>
        $"schedule seed={Seed} faults={Steps.Count}{Environment.NewLine}{string.Join(Environment.NewLine, Steps.Select(s => "  " + s.Describe()))}";

    /// <summary>
    /// A seed of its own for step <paramref name="number"/> of the run seeded <paramref name="seed"/>: what a step
    /// draws from it (a power loss's restart plan, a disk fault's damage) never shifts the schedule's main draws.
    /// Stable across processes and runtimes (<see cref="HashCode"/> is not: it is salted per process).
    /// </summary>
    public static int StepSeed(int seed, int number)
    {
        // SplitMix64's finalizer over the pair.
        var z = unchecked(((ulong)(uint)seed << 32) + (uint)number + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }

    private static FaultStep Draw(Random random, FaultKind kind, int number, TimeSpan at, TimeSpan room, ChaosOptions options)
    {
        // Every draw below happens for every kind, in the same order, so adding a kind's use of a
        // value never shifts the others' (a schedule stays readable when the code changes a little).
        var pick = random.Next(1_000_000);
        var pickOther = random.Next(1_000_000);
        var leader = random.Next(2) == 0;
        var fraction = random.NextDouble();
        var shape = (PartitionShape)random.Next(3);
        var cutMode = random.Next(2) == 0 ? LinkMode.Drop : LinkMode.Blackhole;
        var linkKind = random.Next(4);
        var delayMilliseconds = 20 + random.Next(400);
        var jitterMilliseconds = random.Next(200);
        var bytesPerSecond = 16_384 + random.Next(256 * 1024);
        var bothDirections = random.Next(2) == 0;
        var clockOffset = (random.Next(2) == 0 ? -1 : 1) * (100 + random.Next(ClockOffsetMillisecondsMax));
        var clockDrift = random.Next(-ClockDriftPpmMax, ClockDriftPpmMax + 1);
        var clientLink = random.Next(4) == 0;

        TimeSpan Between(TimeSpan low, TimeSpan high) => Round(low + ((Max(Min(high, room), low) - low) * fraction));

        var step = new FaultStep { Number = number, At = at, Kind = kind, Pick = pick, PickOther = pickOther };
        return kind switch
        {
            FaultKind.KillLeader => step with { TargetsLeader = true, Duration = Between(DownMin, DownMax) },
            FaultKind.KillRandom => step with { Duration = Between(DownMin, DownMax) },
            FaultKind.Pause => step with { TargetsLeader = leader, Duration = Between(PauseMin, DownMax) },
            FaultKind.PowerLoss => step with
            {
                Duration = Between(DownMin, DownMax),
                PowerLoss = PowerLossPlan.Draw(new Random(StepSeed(options.Seed, number)), options.NodeCount),
            },
            FaultKind.Partition => step with { Shape = shape, CutMode = cutMode, Duration = Between(NetworkFaultMin, NetworkFaultMax) },
            FaultKind.Link => step with
            {
                BothDirections = bothDirections,
                ClientLink = clientLink,
                Duration = Between(NetworkFaultMin, NetworkFaultMax),
                Link = linkKind switch
                {
                    0 => new LinkState { Mode = LinkMode.Drop },
                    1 => new LinkState { Mode = LinkMode.Blackhole },
                    2 => new LinkState { DelayMilliseconds = delayMilliseconds, JitterMilliseconds = jitterMilliseconds },
                    _ => new LinkState { BytesPerSecondMax = bytesPerSecond, DelayMilliseconds = delayMilliseconds / 4 },
                },
            },
            FaultKind.Clock => step with { TargetsLeader = leader, ClockOffsetMilliseconds = clockOffset, ClockDriftPpm = clockDrift },
            FaultKind.Disk => step with { Duration = Between(DownMin, DownMax) },
            FaultKind.Membership => step with { TargetsLeader = leader },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown fault kind"),
        };
    }

    private static TimeSpan Round(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
