namespace Ledger.Chaos.Faults;

/// <summary>Which links a partition cuts: every link between side A and side B (both directions).</summary>
public static class Partitions
{
    /// <param name="ids">The members now, in a stable order.</param>
    /// <param name="pick">The step's seeded pick, resolving "a random minority" and the bridge node.</param>
    /// <param name="leaderId">The leader now, for <see cref="PartitionShape.LeaderIsolated"/> (a pick when null).</param>
    public static (IReadOnlyList<string> SideA, IReadOnlyList<string> SideB) Split(IReadOnlyList<string> ids, PartitionShape shape, int pick, string? leaderId)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count < 2)
        {
            return (ids, []);
        }

        var n = ids.Count;
        switch (shape)
        {
            case PartitionShape.LeaderIsolated:
                var isolated = leaderId is not null && ids.Contains(leaderId) ? leaderId : ids[pick % n];
                return ([isolated], [.. ids.Where(id => id != isolated)]);
            case PartitionShape.Bridge when n >= 3:
                // The bridge (not on either side) keeps its links to both halves.
                var bridge = pick % n;
                var rest = Enumerable.Range(1, n - 1).Select(k => ids[(bridge + k) % n]).ToList();
                return ([.. rest.Where((_, i) => i % 2 == 0)], [.. rest.Where((_, i) => i % 2 == 1)]);
            default:
                var minoritySize = Math.Max(1, (n - 1) / 2);
                var minority = Enumerable.Range(0, minoritySize).Select(k => ids[(pick + k) % n]).ToList();
                return (minority, [.. ids.Where(id => !minority.Contains(id))]);
        }
    }
}
