using System.Text;

namespace Ledger.Fuzz.Evidence;

/// <summary>What a run found: the tallies of the closing line (by the C# outcome) and every mismatch.</summary>
public sealed class EvidenceDiffSummary
{
    public long Cases { get; set; }

    public List<(DiffCase Case, string Difference, string? File)> Mismatches { get; } = [];

    /// <summary>Mismatches of an already reported kind (<see cref="KnownDivergences"/>), by id.</summary>
    public Dictionary<string, long> Known { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public long Count(string outcome) => Outcomes.GetValueOrDefault(outcome);

    public string ClosingLine =>
        $"cases={Cases} mismatches={Mismatches.Count} malformed={Count("malformed")} invalid={Count("invalid")} valid={Count("valid")} rejected={Count("rejected")} not_anchored={Count("not-anchored")} errors={Count("error")} known_divergences={Known.Values.Sum()}";
}

/// <summary>
/// The differential run: each case goes to node (<see cref="JsVerifierProcess"/>) and, meanwhile, through
/// the C# verifier (<see cref="CSharpVerifier"/>); the two outcomes are compared (<see cref="OutcomeComparison"/>).
/// A mismatch is printed (seed, case, mutation, both outcomes) and written as a replayable case file.
/// </summary>
public static class EvidenceDiffRun
{
    /// <summary>Mismatches printed in full and written to files; the rest are only counted.</summary>
    public const int MismatchesReportedMax = 25;

    public const int ProgressEveryCases = 5_000;

    public static EvidenceDiffSummary Execute(IEnumerable<DiffCase> cases, TextWriter log, string? findingsDirectory, string? plantedBug = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(log);
        var summary = new EvidenceDiffSummary();
        using var js = JsVerifierProcess.Start(plantedBug);
        foreach (var diffCase in cases)
        {
            js.Send(diffCase);
            var csharp = CSharpVerifier.Run(diffCase);
            var javascript = js.Receive();
            summary.Cases++;
            summary.Outcomes[csharp.Outcome] = summary.Count(csharp.Outcome) + 1;
            if (OutcomeComparison.Difference(csharp, javascript) is not { } difference)
            {
                // They agree.
            }
            else if (KnownDivergences.Find(csharp, javascript) is { } known)
            {
                summary.Known[known.Id] = summary.Known.GetValueOrDefault(known.Id) + 1;
                if (summary.Known[known.Id] == 1)
                {
                    log.WriteLine($"known divergence {known.Id} (wrong: {known.WrongSide}) first seen at seed={diffCase.Seed} case={diffCase.Index}");
                }
            }
            else
            {
                string? file = null;
                if (summary.Mismatches.Count < MismatchesReportedMax)
                {
                    file = findingsDirectory is null ? null : DiffCaseFile.Write(findingsDirectory, diffCase, difference);
                    log.WriteLine(Describe(diffCase, difference, csharp, javascript, file));
                }

                summary.Mismatches.Add((diffCase, difference, file));
            }

            if (summary.Cases % ProgressEveryCases == 0)
            {
                log.WriteLine($"evidence-diff: {summary.ClosingLine}");
            }
        }

        return summary;
    }

    public static string Describe(DiffCase diffCase, string difference, VerifierOutcome csharp, VerifierOutcome javascript, string? file)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        ArgumentNullException.ThrowIfNull(csharp);
        ArgumentNullException.ThrowIfNull(javascript);
        var text = new StringBuilder();
        text.AppendLine($"MISMATCH seed={diffCase.Seed} case={diffCase.Index}: {difference}");
        text.AppendLine($"  mutation: {diffCase.Mutation}");
        text.AppendLine($"  C#: {csharp.Describe()}");
        text.AppendLine($"  JS: {javascript.Describe()}");
        text.Append(file is null
            ? $"  replay: evidence-diff --seed {diffCase.Seed} --from-case {diffCase.Index} --cases 1"
            : $"  replay: evidence-diff --replay {file}");
        return text.ToString();
    }
}
