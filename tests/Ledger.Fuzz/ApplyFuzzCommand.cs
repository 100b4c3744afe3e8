using Ledger.Fuzz.Apply;

namespace Ledger.Fuzz;

/// <summary>
/// <c>apply [--cases N] [--seed S] [--from-case C]</c>: the apply fuzzer (see <see cref="ApplyFuzzRun"/>).
/// Progress and findings go to standard error; standard output gets exactly one line,
/// <c>fuzz_cases=N apply_exceptions=N root_divergences=N</c>. Exit code 0 when nothing was found, 1 on a
/// finding (its seed, case and replay command are printed), 2 on a usage error.
/// </summary>
public static class ApplyFuzzCommand
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        long cases = 10_000;
        long seed = 1;
        var given = new Dictionary<string, long>();
        if (!FuzzCaseArguments.TryParse("apply", args, error, ref cases, ref seed, [new("--from-case", TakesCount: true)], given))
        {
            return 2;
        }

        var fromCase = given.GetValueOrDefault("--from-case");

        var summary = ApplyFuzzRun.Execute(cases, seed, fromCase, error);
        error.WriteLine($"apply fuzz seed={seed}: door_refused={summary.DoorRefused} rules_rejected={summary.RulesRejected} accepted={summary.Accepted} undecodable_envelopes={summary.UndecodableEnvelopes}");
        if (summary.Finding is { } finding)
        {
            error.WriteLine(finding);
        }

        output.WriteLine(summary.ClosingLine);
        return summary.Finding is null ? 0 : 1;
    }
}
