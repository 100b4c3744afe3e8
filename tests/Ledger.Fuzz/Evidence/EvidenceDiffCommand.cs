using System.Globalization;
using Ledger.Fuzz.Evidence;

namespace Ledger.Fuzz;

/// <summary>
/// <c>evidence-diff [--cases N] [--seed S] [--from-case C] [--findings DIR] | --replay FILE</c>: the
/// differential fuzzer between Ledger.Core's EvidenceVerifier (as <c>ledger evidence verify</c> runs it)
/// and the browser verifier web/verifier/index.js under node (issue #17 item 5). Progress and mismatches
/// go to standard error; standard output gets one line
/// <c>cases=… mismatches=… malformed=… invalid=… valid=… rejected=… not_anchored=… errors=…</c> (counted by
/// the C# outcome). Exit code 0 when both agree on every case, 1 on a mismatch, 2 on a usage error or
/// when node is missing.
/// </summary>
public static class EvidenceDiffCommand
{
    public const long DefaultCases = 2_000;
    public const string DefaultFindingsDirectory = "evidence-diff-findings";

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        long cases = DefaultCases;
        long seed = 1;
        long fromCase = 0;
        string findings = DefaultFindingsDirectory;
        string? replay = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var parsed = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number);
            switch (args[i])
            {
                case "--cases" when parsed && number >= 0:
                    cases = number;
                    break;
                case "--seed" when parsed:
                    seed = number;
                    break;
                case "--from-case" when parsed && number >= 0:
                    fromCase = number;
                    break;
                case "--findings" when value is not null:
                    findings = value;
                    break;
                case "--replay" when value is not null:
                    replay = value;
                    break;
                default:
                    error.WriteLine($"evidence-diff: unknown or invalid argument '{args[i]}'");
                    error.WriteLine(FuzzCommandLine.Usage);
                    return 2;
            }

            i++;
        }

        IEnumerable<DiffCase> caseSource;
        if (replay is not null)
        {
            caseSource = [DiffCaseFile.Read(replay)];
        }
        else
        {
            var corpus = EvidenceCorpus.All;
            caseSource = Enumerable.Range(0, (int)Math.Min(cases, int.MaxValue)).Select(i => DiffCaseGenerator.Create(seed, fromCase + i, corpus));
        }

        EvidenceDiffSummary summary;
        try
        {
            summary = EvidenceDiffRun.Execute(caseSource, error, replay is null ? findings : null);
        }
        catch (NodeUnavailableException exception)
        {
            error.WriteLine($"evidence-diff: {exception.Message}");
            return 2;
        }

        output.WriteLine(summary.ClosingLine);
        return summary.Mismatches.Count == 0 ? 0 : 1;
    }
}
