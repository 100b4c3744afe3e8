using Ledger.Simulation;

CommandLine commandLine;
try
{
    commandLine = CommandLine.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (commandLine.Seed is { } seed)
{
    return RunSingle(commandLine, seed);
}

return RunMany(commandLine);

static int RunSingle(CommandLine commandLine, int seed)
{
    var options = commandLine.OptionsFor(seed);
    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
    var result = ClusterSimulation.Run(options, keepTrace: commandLine.Trace);
    stopwatch.Stop();
    if (commandLine.Trace || !result.Passed)
    {
        PrintTrace(result, commandLine.TraceLines);
    }

    Console.WriteLine($"seed={seed} nodes={options.Nodes} profile={options.Profile.Name} bug={options.Bugs} ticks={result.Ticks} committed={result.CommittedMax} events={result.TraceEvents} trace_hash={result.TraceHash:x16} ticks_to_recover={result.TicksToRecover}");
    if (!result.Passed)
    {
        Console.WriteLine($"VIOLATION {result.Violation!.Message}");
        Console.WriteLine($"replay: {options.ReplayCommand()}");
    }

    var violations = result.Passed ? 0 : 1;
    Console.WriteLine($"seeds=1 violations={violations} seeds_per_s={1 / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9):F1}");
    return violations == 0 ? 0 : 1;
}

static int RunMany(CommandLine commandLine)
{
    var batch = SeedBatch.Run(commandLine.Start, commandLine.Seeds, commandLine.OptionsFor, commandLine.Threads);
    const int violationsPrintedMax = 10;
    var printed = 0;
    foreach (var result in batch.Results)
    {
        if (result.Passed || printed >= violationsPrintedMax)
        {
            continue;
        }

        printed++;
        Console.WriteLine($"VIOLATION seed={result.Options.Seed} nodes={result.Options.Nodes} {result.Violation!.Message}");
        Console.WriteLine($"  replay: {result.Options.ReplayCommand()}");
    }

    if (batch.Violations > violationsPrintedMax)
    {
        Console.WriteLine($"... and {batch.Violations - violationsPrintedMax} more violations");
    }

    var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
    foreach (var result in batch.Results)
    {
        if (result.Violation is { } violation)
        {
            byKind[violation.Kind.ToString()] = byKind.GetValueOrDefault(violation.Kind.ToString()) + 1;
        }
    }

    if (byKind.Count > 0)
    {
        Console.WriteLine($"violations_by_kind {string.Join(' ', byKind.Select(pair => $"{pair.Key}={pair.Value}"))}");
    }

    Console.WriteLine(batch.Recovery());
    var cpuSeconds = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    Console.WriteLine($"elapsed_s={batch.Elapsed.TotalSeconds:F1} cpu_s={cpuSeconds:F1} cpu_ms_per_seed={1000 * cpuSeconds / Math.Max(1, batch.Results.Count):F1} threads={commandLine.Threads}");
    Console.WriteLine($"seeds={batch.Results.Count} violations={batch.Violations} seeds_per_s={batch.SeedsPerSecond:F1}");
    return batch.Violations == 0 ? 0 : 1;
}

static void PrintTrace(SimulationResult result, int linesMax)
{
    var tail = result.TraceTail;
    var skip = Math.Max(0, tail.Count - linesMax);
    Console.WriteLine($"--- trace: last {tail.Count - skip} of {result.TraceEvents} events ---");
    for (var i = skip; i < tail.Count; i++)
    {
        Console.WriteLine(tail[i]);
    }

    Console.WriteLine("--- end of trace ---");
}
