using System.Text;

namespace Ledger.Chaos.Checking;

/// <summary>
/// The checker's answer for one run: the counts of the closing line, and every violation (up to
/// <see cref="ViolationsReportedPerKindMax"/> per kind in detail; the counts stay exact).
/// <see cref="NonLinearizable"/> counts the works whose history is not linearizable plus the invented
/// local reads, as the closing line's <c>nonlinearizable=</c> field.
/// </summary>
public sealed class CheckVerdict
{
    /// <summary>Violations of one kind kept with their slice; more are counted, not described.</summary>
    public const int ViolationsReportedPerKindMax = 20;

    /// <summary>Registrations the ledger acknowledged (receipt with block and position).</summary>
    public long Acked { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    /// <summary>Nodes whose chain differs from the agreed one at some height both hold.</summary>
    public long Diverged { get; init; }

    /// <summary>Nodes holding an agreed block that fails the audit.</summary>
    public long AuditFailures { get; init; }

    /// <summary>Nodes that did not answer the chain checks.</summary>
    public long Unreachable { get; init; }

    public long NonLinearizableWorks { get; init; }

    public long InventedReads { get; init; }

    /// <summary>Reads that answered a registration the agreed chain no longer holds.</summary>
    public long VanishedReads { get; init; }

    /// <summary>The closing line's count: works with no linearization, plus reads of values never written or since vanished.</summary>
    public long NonLinearizable => NonLinearizableWorks + InventedReads + VanishedReads;

    /// <summary>Works whose search hit its bound: neither proven linearizable nor refuted (not a violation, but printed).</summary>
    public long UndecidedWorks { get; init; }

    /// <summary>One line per undecided work (the first few), printed with the report.</summary>
    public IReadOnlyList<string> UndecidedNotes { get; init; } = [];

    public long WorksChecked { get; init; }

    public long EvidenceChecked { get; init; }

    public long EvidenceFailures { get; init; }

    /// <summary>Heights of the nodes at check time (node id → height), for the report.</summary>
    public IReadOnlyDictionary<string, ulong> NodeHeights { get; init; } = new Dictionary<string, ulong>();

    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>Stopwatch timestamp of the run's first invocation: the zero of the report's times.</summary>
    public long HistoryStartTimestamp { get; init; }

    public bool Passed =>
        Lost == 0 && Duplicated == 0 && Diverged == 0 && AuditFailures == 0 && Unreachable == 0 && NonLinearizable == 0 && EvidenceFailures == 0;

    /// <summary>The checker's fields of the closing line, in its order.</summary>
    public string CountsLine => $"acked={Acked} lost={Lost} duplicated={Duplicated} diverged={Diverged} nonlinearizable={NonLinearizable}";

    /// <summary>One line per kind of violation found, naming it and its count (what a planted-bug run must name).</summary>
    public IReadOnlyList<string> KindLines =>
    [
        .. new (string Name, long Count)[]
        {
            ("lost", Lost),
            ("duplicated", Duplicated),
            ("diverged", Diverged),
            ("audit failed", AuditFailures),
            ("unreachable", Unreachable),
            ("nonlinearizable", NonLinearizableWorks),
            ("invented local read", InventedReads),
            ("read of a vanished registration", VanishedReads),
            ("evidence failed", EvidenceFailures),
        }.Where(k => k.Count > 0).Select(k => $"{k.Name}: {k.Count}"),
    ];

    /// <summary>The first violation with its slice, as printed in <see cref="ToText"/> (empty when none).</summary>
    public string FirstViolationText => Violations.Count == 0 ? "" : Describe(Violations[0]);

    /// <summary>The whole report: counts, then each violation with its slice and details.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine($"checker: {(Passed ? "PASSED" : "VIOLATIONS FOUND")}");
        text.AppendLine($"  {CountsLine}");
        text.AppendLine($"  works_checked={WorksChecked} nonlinearizable_works={NonLinearizableWorks} invented_reads={InventedReads} vanished_reads={VanishedReads} undecided_works={UndecidedWorks}");
        text.AppendLine($"  audit_failures={AuditFailures} unreachable={Unreachable} evidence_checked={EvidenceChecked} evidence_failures={EvidenceFailures}");
        if (NodeHeights.Count > 0)
        {
            text.AppendLine($"  heights: {string.Join(", ", NodeHeights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
        }

        foreach (var note in UndecidedNotes)
        {
            text.AppendLine($"  {note}");
        }

        foreach (var violation in Violations)
        {
            text.AppendLine();
            text.Append(Describe(violation));
        }

        return text.ToString();
    }

    private string Describe(Violation violation)
    {
        var text = new StringBuilder();
        text.AppendLine($"{violation.Kind}: {violation.Summary}");
        foreach (var detail in violation.Details)
        {
            text.AppendLine($"  {detail}");
        }

        foreach (var operation in violation.Slice)
        {
            text.AppendLine($"  {HistoryText.Format(operation, HistoryStartTimestamp)}");
        }

        return text.ToString();
    }
}
