using System.Globalization;
using System.Text;

namespace Ledger.Chaos.Disk;

/// <summary>The sweep's figure: a table by file kind and the closing line.</summary>
public sealed class FlipSweepReport
{
    private static readonly RocksDbFileKind[] Kinds = Enum.GetValues<RocksDbFileKind>();

    public FlipSweepReport(IReadOnlyList<FlipOutcome> outcomes)
    {
        Outcomes = outcomes;
    }

    public IReadOnlyList<FlipOutcome> Outcomes { get; }

    public int Count(FlipCategory category) => Outcomes.Count(o => o.Category == category);

    public int Repaired => Outcomes.Count(o => o.Repaired);

    public int Served => Count(FlipCategory.Served);

    /// <summary>
    /// <c>flips=N detected_open=N detected_read=N detected_scan=N repaired=N harmless=N served=N silent_loss=N</c>;
    /// repaired counts flips among detected_open and detected_read after which the node caught up.
    /// </summary>
    public string ClosingLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"flips={Outcomes.Count} detected_open={Count(FlipCategory.DetectedOpen)} detected_read={Count(FlipCategory.DetectedRead)} detected_scan={Count(FlipCategory.DetectedScan)} repaired={Repaired} harmless={Count(FlipCategory.Harmless)} served={Served} silent_loss={Count(FlipCategory.SilentLoss)}");

    /// <summary>One row per file kind flipped, one column per category, plus repaired.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"kind",-9}{"flips",7}{"open",7}{"read",7}{"scan",7}{"repaired",10}{"harmless",10}{"silent",8}{"served",8}");
        foreach (var kind in Kinds)
        {
            var rows = Outcomes.Where(o => o.Corruption.Kind == kind).ToList();
            if (rows.Count > 0)
            {
                AppendRow(text, kind.ToString(), rows);
            }
        }

        AppendRow(text, "all", Outcomes);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string label, IReadOnlyList<FlipOutcome> rows)
    {
        int Of(FlipCategory category) => rows.Count(o => o.Category == category);
        text.AppendLine(CultureInfo.InvariantCulture, $"{label,-9}{rows.Count,7}{Of(FlipCategory.DetectedOpen),7}{Of(FlipCategory.DetectedRead),7}{Of(FlipCategory.DetectedScan),7}{rows.Count(o => o.Repaired),10}{Of(FlipCategory.Harmless),10}{Of(FlipCategory.SilentLoss),8}{Of(FlipCategory.Served),8}");
    }
}
