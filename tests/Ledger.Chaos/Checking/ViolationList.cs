namespace Ledger.Chaos.Checking;

/// <summary>Violations kept for the report: at most <see cref="CheckVerdict.ViolationsReportedPerKindMax"/> of each kind (the counts are kept elsewhere).</summary>
internal sealed class ViolationList
{
    private readonly List<Violation> kept = [];
    private readonly Dictionary<ViolationKind, int> perKind = [];

    public void Add(Violation violation)
    {
        var count = perKind.GetValueOrDefault(violation.Kind);
        if (count < CheckVerdict.ViolationsReportedPerKindMax)
        {
            kept.Add(violation);
        }

        perKind[violation.Kind] = count + 1;
    }

    public List<Violation> ToList() => [.. kept];
}
