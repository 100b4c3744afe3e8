using System.Globalization;
using Ledger.Fuzz.Records;

namespace Ledger.Fuzz;

/// <summary>
/// <c>records [--cases N] [--seed S]</c>: the records fuzzer (<see cref="RecordFuzzRun"/>): N per-transaction
/// block records damaged or re-sealed, and N content-hash field cases (registrations and batch items under each
/// suite). Findings go to standard error; standard output gets exactly the closing line. Exit code 0 when
/// nothing was found, 1 on a finding, 2 on a usage error.
/// </summary>
public static class RecordFuzzCommand
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        long cases = 20_000;
        long seed = 1;
        if (!FuzzCaseArguments.TryParse("records", args, error, ref cases, ref seed, [], []))
        {
            return 2;
        }

        var summary = RecordFuzzRun.Execute(cases, cases, seed, error);
        error.WriteLine("records fuzz seed=" + seed.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(' ', summary.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));
        output.WriteLine(summary.ClosingLine);
        return summary.Findings.Count == 0 ? 0 : 1;
    }
}
