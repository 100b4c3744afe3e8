using System.Globalization;
using Ledger.Fuzz.Batches;

namespace Ledger.Fuzz;

/// <summary>
/// <c>batch-input [--cases N] [--seed S] [--named-pipe]</c>: the batch-register input fuzzer (<see cref="BatchInputFuzzRun"/>):
/// N mutated CSV manifests, N/4 generated directory trees and N/4 damaged journals resumed. Findings go to
/// standard error; standard output gets exactly the closing line. Exit code 0 when nothing was found, 1 on a
/// finding, 2 on a usage error. <c>--named-pipe</c> also puts a named pipe in a manifest directory (the reader must refuse it, not wait on it).
/// </summary>
public static class BatchInputFuzzCommand
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        long cases = 4_000;
        long seed = 1;
        var given = new Dictionary<string, long>();
        if (!FuzzCaseArguments.TryParse("batch-input", args, error, ref cases, ref seed, [new("--named-pipe", TakesCount: false)], given))
        {
            return 2;
        }

        var namedPipe = given.ContainsKey("--named-pipe");

        var summary = BatchInputFuzzRun.Execute(cases, cases / 4, cases / 4, seed, error, namedPipe);
        error.WriteLine("batch-input fuzz seed=" + seed.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(' ', summary.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));
        output.WriteLine(summary.ClosingLine);
        return summary.Findings.Count == 0 ? 0 : 1;
    }
}
