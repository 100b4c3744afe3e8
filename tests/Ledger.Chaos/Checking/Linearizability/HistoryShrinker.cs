using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// Shrinks a work's non-linearizable history to a slice that still shows it: drops one operation at
/// a time and keeps each drop after which the rest is still (decidedly) not linearizable, until no
/// single operation can go or <see cref="ChecksMax"/> searches were spent. A write whose value a
/// remaining operation observes is kept, so the slice never degenerates into "a read of a value
/// nobody wrote" when the history showed the write.
/// </summary>
public static class HistoryShrinker
{
    /// <summary>Searches spent shrinking one work; the slice returned is then merely smaller, not minimal.</summary>
    public const int ChecksMax = 2_000;

    /// <summary>States per search while shrinking: a candidate the search cannot refute within it is kept out.</summary>
    public const int StatesPerCheckMax = 20_000;

    public static IReadOnlyList<Operation> Shrink(string workKey, IReadOnlyList<Operation> operations, int checksMax = ChecksMax)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var slice = operations.Where(KeyHistory.IsChecked).OrderBy(o => o.InvokedAt).ThenBy(o => o.Id).ToList();
        var checks = 0;
        var removed = true;
        while (removed && checks < checksMax)
        {
            removed = false;
            for (var i = slice.Count - 1; i >= 0 && checks < checksMax; i--)
            {
                var candidate = new List<Operation>(slice);
                candidate.RemoveAt(i);
                if (!KeepsObservedWrites(slice, candidate))
                {
                    continue;
                }

                checks++;
                if (LinearizabilitySearch.Check(KeyHistory.Build(workKey, candidate), StatesPerCheckMax) == SearchOutcome.NotLinearizable)
                {
                    slice = candidate;
                    removed = true;
                }
            }
        }

        return slice;
    }

    /// <summary>Every value observed in the candidate that the slice had a write for still has one.</summary>
    private static bool KeepsObservedWrites(List<Operation> slice, List<Operation> candidate)
    {
        var writtenBefore = WrittenValues(slice);
        var writtenAfter = WrittenValues(candidate);
        foreach (var operation in candidate)
        {
            var observed = Observed(operation);
            if (observed is not null && writtenBefore.Contains(observed) && !writtenAfter.Contains(observed))
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<string> WrittenValues(List<Operation> operations) =>
        operations.Where(o => o.Kind == OperationKind.Register && o.TransactionHash is not null && (o.ReferenceTransactionHash is null || string.Equals(o.ReferenceTransactionHash, o.TransactionHash, StringComparison.OrdinalIgnoreCase)))
            .Select(o => o.TransactionHash!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string? Observed(Operation operation) => operation.Kind switch
    {
        OperationKind.ReadLinearizable => operation.TransactionHash,
        OperationKind.Register when operation.ReferenceTransactionHash is { } other && !string.Equals(other, operation.TransactionHash, StringComparison.OrdinalIgnoreCase) => other,
        _ => null,
    };
}
