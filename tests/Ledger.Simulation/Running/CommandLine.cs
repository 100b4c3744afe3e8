using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>Parsed CLI options; see <see cref="Usage"/>.</summary>
public sealed record CommandLine
{
    public const string Usage =
        "usage: Ledger.Simulation [--seeds N | --seed S] [--start S] [--nodes 3|5|7] [--bug NAME] [--profile mixed|hostile|rollback] [--steps N] [--trace] [--trace-lines N] [--threads N]";

    public int? Seed { get; init; }

    public int Seeds { get; init; } = 1000;

    public int Start { get; init; }

    public int? Nodes { get; init; }

    public RaftBugs Bugs { get; init; } = RaftBugs.None;

    public string? Profile { get; init; }

    public int Steps { get; init; } = SimulationOptions.ChaosTicksDefault;

    public bool Trace { get; init; }

    public int TraceLines { get; init; } = 200;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public static CommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            parsed = name switch
            {
                "--seed" => parsed with { Seed = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--seeds" => parsed with { Seeds = Positive(name, Value()) },
                "--start" => parsed with { Start = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--nodes" => parsed with { Nodes = ParseNodes(Value()) },
                "--bug" => parsed with { Bugs = ParseBug(Value()) },
                "--profile" => parsed with { Profile = ScenarioProfile.ByName(Value()).Name },
                "--steps" => parsed with { Steps = Positive(name, Value()) },
                "--trace" => parsed with { Trace = true },
                "--trace-lines" => parsed with { TraceLines = Positive(name, Value()) },
                "--threads" => parsed with { Threads = Positive(name, Value()) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return parsed;
    }

    public SimulationOptions OptionsFor(int seed)
    {
        var defaults = SeedBatch.DefaultOptions(seed, Nodes, Bugs, Profile is null ? null : ScenarioProfile.ByName(Profile), Steps);
        return defaults with { TraceCapacity = Math.Max(TraceLines, SimulationOptions.TraceCapacityDefault) };
    }

    private static int Positive(string name, string value)
    {
        var parsed = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return parsed > 0 ? parsed : throw new ArgumentException($"{name} must be positive, got {parsed}.");
    }

    private static int ParseNodes(string value)
    {
        var nodes = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return nodes is 3 or 5 or 7 ? nodes : throw new ArgumentException($"--nodes must be 3, 5 or 7, got {nodes}.");
    }

    private static RaftBugs ParseBug(string value) =>
        Enum.TryParse<RaftBugs>(value, ignoreCase: true, out var bug) && bug != RaftBugs.None && Enum.IsDefined(bug)
            ? bug
            : throw new ArgumentException($"Unknown bug '{value}'; one of: {string.Join(", ", Enum.GetNames<RaftBugs>()[1..])}.");
}
