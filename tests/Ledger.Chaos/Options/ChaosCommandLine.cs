using System.CommandLine;
using Ledger.Chaos.Faults;

namespace Ledger.Chaos.Options;

/// <summary>
/// The harness's command line: <c>--minutes M --rate R --seed S [--nodes 3] [--bug NAME] [--faults kinds]
/// [--schedule-only]</c>. A bad option is one clear line and exit code <see cref="ExitUsage"/>.
/// </summary>
public static class ChaosCommandLine
{
    public const int ExitUsage = 2;

    private static readonly Option<int?> Minutes = new("--minutes") { Description = $"run length in minutes (default {ChaosOptions.DefaultDurationSeconds / 60})" };
    private static readonly Option<int?> Seconds = new("--seconds") { Description = "run length in seconds (added to --minutes; for short runs)" };
    private static readonly Option<int> Rate = new("--rate") { Description = "registrations per second over all clients", DefaultValueFactory = _ => ChaosOptions.DefaultRatePerSecond };
    private static readonly Option<int?> Seed = new("--seed") { Description = "seed of the fault schedule (random when absent; printed so the run replays)" };
    private static readonly Option<int> Nodes = new("--nodes") { Description = $"node processes ({ChaosOptions.NodeCountMin}..{ChaosOptions.NodeCountMax})", DefaultValueFactory = _ => ChaosOptions.DefaultNodeCount };
    private static readonly Option<string?> Bug = new("--bug") { Description = "run the nodes with a planted bug; the run must fail naming what it caught" };
    private static readonly Option<string?> Faults = new("--faults") { Description = $"comma-separated fault kinds: {string.Join(", ", FaultKinds.ByName.Keys)}, all or none (default: {string.Join(",", FaultKinds.Default.Select(FaultKinds.NameOf))})" };
    private static readonly Option<double> Interval = new("--fault-interval") { Description = "mean seconds from one fault to the next", DefaultValueFactory = _ => ChaosOptions.DefaultFaultIntervalSeconds };
    private static readonly Option<bool> Keep = new("--keep-run-dir") { Description = "keep the run directory (data, node logs, checker report) even when the run passes" };
    private static readonly Option<bool> DirectClients = new("--direct-clients") { Description = "clients reach the nodes directly instead of through fault proxies (link faults then hit peer links only)" };
    private static readonly Option<bool> ScheduleOnly = new("--schedule-only") { Description = "print the fault schedule and exit" };

    public static RootCommand Build() => new("ledger chaos harness: real node processes under seeded faults, then a history and chain check")
    {
        Minutes, Seconds, Rate, Seed, Nodes, Bug, Faults, Interval, DirectClients, ScheduleOnly, Keep,
    };

    /// <summary>Parses <paramref name="args"/> into options, or a one-line error.</summary>
    public static bool TryParse(string[] args, out ChaosOptions options, out string error)
    {
        options = new ChaosOptions();
        error = "";
        var result = Build().Parse(args);
        if (result.Errors.Count > 0)
        {
            error = result.Errors[0].Message;
            return false;
        }

        var minutes = result.GetValue(Minutes);
        var seconds = result.GetValue(Seconds);
        if (minutes is < 0 || seconds is < 0)
        {
            error = "--minutes and --seconds must not be negative";
            return false;
        }

        var duration = minutes is null && seconds is null
            ? ChaosOptions.DefaultDurationSeconds
            : ((long)(minutes ?? 0) * 60) + (seconds ?? 0);
        if (duration is <= 0 or > ChaosOptions.DurationSecondsMax)
        {
            error = $"the run length must be between 1 and {ChaosOptions.DurationSecondsMax} seconds (got {duration})";
            return false;
        }

        var rate = result.GetValue(Rate);
        if (rate is < 1 or > ChaosOptions.RatePerSecondMax)
        {
            error = $"--rate must be between 1 and {ChaosOptions.RatePerSecondMax} (got {rate})";
            return false;
        }

        var nodes = result.GetValue(Nodes);
        if (nodes is < ChaosOptions.NodeCountMin or > ChaosOptions.NodeCountMax)
        {
            error = $"--nodes must be between {ChaosOptions.NodeCountMin} and {ChaosOptions.NodeCountMax} (got {nodes})";
            return false;
        }

        var interval = result.GetValue(Interval);
        if (!(interval >= ChaosOptions.FaultIntervalSecondsMin && interval <= ChaosOptions.FaultIntervalSecondsMax))
        {
            error = $"--fault-interval must be between {ChaosOptions.FaultIntervalSecondsMin} and {ChaosOptions.FaultIntervalSecondsMax} seconds (got {interval})";
            return false;
        }

        IReadOnlyList<FaultKind> kinds = FaultKinds.Default;
        if (result.GetValue(Faults) is { } faultText && !FaultKinds.TryParse(faultText, out kinds, out error))
        {
            return false;
        }

        var bug = result.GetValue(Bug);
        if (bug is not null && !PlantedBugs.IsKnown(bug))
        {
            error = $"--bug '{bug}' is not a planted bug (known: {string.Join(", ", PlantedBugs.Known)})";
            return false;
        }

        options = new ChaosOptions
        {
            DurationSeconds = (int)duration,
            RatePerSecond = rate,
            Seed = result.GetValue(Seed) ?? Random.Shared.Next(),
            NodeCount = nodes,
            Bug = bug,
            FaultKinds = kinds,
            FaultIntervalSeconds = interval,
            ScheduleOnly = result.GetValue(ScheduleOnly),
            KeepRunDirectory = result.GetValue(Keep),
            ClientsThroughProxies = !result.GetValue(DirectClients),
        };
        return true;
    }

    /// <summary>The help text, for a usage error.</summary>
    public static string Usage() => "usage: Ledger.Chaos --minutes M --rate R --seed S [--seconds N] [--nodes 3] [--bug NAME] [--faults kinds] [--fault-interval SECONDS] [--direct-clients] [--schedule-only] (see --help)";
}
