using System.Globalization;

namespace Ledger.Bench.Scale;

/// <summary>The scale bench's knobs, parsed once from the command line.</summary>
internal sealed record ScaleOptions
{
    public const long DefaultItems = 100_000_000;
    public const long DefaultStepItems = 10_000_000;
    public const int DefaultBatchItems = 10_000;
    public const int DefaultInFlight = 4;
    public const int DefaultSingleRate = 200;
    public const int DefaultSamples = 500;
    /// <summary>
    /// One call in flight: a call's latency, not the queue the bench's own calls form. At 8 on a 2-core machine
    /// (the default until 2026-12-07) a p50 was mostly waiting behind the other 7 (docs/scale/README.md, "Latency").
    /// </summary>
    public const int DefaultSampleConcurrency = 1;
    public const ulong DefaultSeed = 20261207;

    public const string Usage =
        "[--items 100000000] [--step 10000000] [--batch-size 10000] [--in-flight 4] [--single-rate 200] [--perceptual-every 4] [--samples 500] [--sample-concurrency 1] "
        + "[--restart-every 1] [--learner-every 1] [--no-audit] [--minutes 0] [--seed N] [--out DIR] [--data-dir DIR] [--keep-data] [--node-dll PATH] [--node-option Key=Value ...]";

    public long Items { get; init; } = DefaultItems;

    public long StepItems { get; init; } = DefaultStepItems;

    public int BatchItems { get; init; } = DefaultBatchItems;

    public int InFlight { get; init; } = DefaultInFlight;

    /// <summary>Single RegisterWork transactions per second, open loop; 0 turns the stream off.</summary>
    public int SingleRate { get; init; } = DefaultSingleRate;

    /// <summary>One batch item in this many carries a perceptual hash.</summary>
    public int PerceptualEvery { get; init; } = ScaleItems.DefaultPerceptualEvery;

    /// <summary>Samples per query kind per step.</summary>
    public int Samples { get; init; } = DefaultSamples;

    public int SampleConcurrency { get; init; } = DefaultSampleConcurrency;

    /// <summary>Restart the node every K steps (the last step always); 0 = never.</summary>
    public int RestartEvery { get; init; } = 1;

    /// <summary>Catch a fresh learner up every K steps (the last step always); 0 = never.</summary>
    public int LearnerEvery { get; init; } = 1;

    /// <summary>After the last step, audit the whole chain over the network as <c>ledger audit --endpoint</c> does (<c>--no-audit</c> skips it).</summary>
    public bool Audit { get; init; } = true;

    /// <summary>Time budget: stop growing at the last step boundary that fits (the summary covers the items reached); 0 = none.</summary>
    public int Minutes { get; init; }

    public ulong Seed { get; init; } = DefaultSeed;

    public string OutDirectory { get; init; } = "";

    public string DataDirectory { get; init; } = "";

    public bool KeepData { get; init; }

    public string? NodeDll { get; init; }

    /// <summary>Extra node configuration (<c>--node-option Raft:CompactionRetainEntries=100</c> becomes <c>--Node:Raft:CompactionRetainEntries=100</c>), for every node the bench starts.</summary>
    public IReadOnlyList<string> NodeOptions { get; init; } = [];

    /// <summary>The command-line form of <see cref="NodeOptions"/>.</summary>
    public IEnumerable<string> NodeArguments => NodeOptions.Select(option => "--Node:" + option);

    public static ScaleOptions Parse(string[] args)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var options = new ScaleOptions
        {
            Items = BenchArguments.PositiveLong(args, "--items", DefaultItems),
            StepItems = BenchArguments.PositiveLong(args, "--step", DefaultStepItems),
            BatchItems = (int)BenchArguments.PositiveLong(args, "--batch-size", DefaultBatchItems),
            InFlight = (int)BenchArguments.PositiveLong(args, "--in-flight", DefaultInFlight),
            SingleRate = (int)NonNegative(args, "--single-rate", DefaultSingleRate),
            PerceptualEvery = (int)BenchArguments.PositiveLong(args, "--perceptual-every", ScaleItems.DefaultPerceptualEvery),
            Samples = (int)BenchArguments.PositiveLong(args, "--samples", DefaultSamples),
            SampleConcurrency = (int)BenchArguments.PositiveLong(args, "--sample-concurrency", DefaultSampleConcurrency),
            RestartEvery = (int)NonNegative(args, "--restart-every", 1),
            LearnerEvery = (int)NonNegative(args, "--learner-every", 1),
            Audit = Array.IndexOf(args, "--no-audit") < 0,
            Minutes = (int)NonNegative(args, "--minutes", 0),
            Seed = (ulong)BenchArguments.PositiveLong(args, "--seed", (long)DefaultSeed),
            OutDirectory = Value(args, "--out") ?? Path.Combine("bench", "results", "scale-" + stamp),
            DataDirectory = Value(args, "--data-dir") ?? Path.Combine(Path.GetTempPath(), "ledger-scale-" + stamp),
            KeepData = Array.IndexOf(args, "--keep-data") >= 0,
            NodeDll = Value(args, "--node-dll"),
            NodeOptions = Values(args, "--node-option"),
        };
        options.Validate();
        return options;
    }

    private void Validate()
    {
        if (BatchItems > 100_000)
        {
            throw new ArgumentException("--batch-size is at most 100000 (the SDK's batch bound)");
        }

        if (StepItems < BatchItems || StepItems % BatchItems != 0)
        {
            throw new ArgumentException("--step must be a multiple of --batch-size");
        }

        if (Items < StepItems || Items % StepItems != 0)
        {
            throw new ArgumentException("--items must be a multiple of --step");
        }
    }

    private static long NonNegative(string[] args, string flag, long fallback)
    {
        var text = Value(args, flag);
        if (text is null)
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{flag} needs a non-negative integer");
    }

    private static List<string> Values(string[] args, string flag)
    {
        var values = new List<string>();
        for (var at = 0; at < args.Length; at++)
        {
            if (args[at] == flag)
            {
                var value = at + 1 < args.Length ? args[at + 1] : "";
                values.Add(value.Contains('=', StringComparison.Ordinal) ? value : throw new ArgumentException($"{flag} needs Key=Value"));
            }
        }

        return values;
    }

    private static string? Value(string[] args, string flag)
    {
        var at = Array.IndexOf(args, flag);
        if (at < 0)
        {
            return null;
        }

        return at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{flag} needs a value");
    }
}
