using Ledger.Chaos.History;

namespace Ledger.Chaos.Run;

/// <summary>What went wrong for the clients, in a few lines: the most frequent errors of failed and indeterminate operations.</summary>
public static class HistorySummary
{
    /// <summary>Error texts are grouped by their first characters, so details that vary (ids, heights) fold together.</summary>
    private const int ErrorKeyChars = 80;

    public static IReadOnlyList<(string Error, int Count)> TopErrors(IReadOnlyList<Operation> history, int count)
    {
        ArgumentNullException.ThrowIfNull(history);
        return [.. history
            .Where(o => o.Outcome != OutcomeKind.Ok)
            .Select(o => o.CompletedAt is null ? "never completed" : Truncate(o.Error ?? "no error text"))
            .GroupBy(e => e, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Take(count)
            .Select(g => (g.Key, g.Count()))];
    }

    private static string Truncate(string text) => text.Length <= ErrorKeyChars ? text : text[..ErrorKeyChars];
}
