using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// Local reads may be stale but never invented: each value a local read answers must be the
/// transaction hash of a registration of that work that was invoked before the read completed and
/// was not refused outright. A work with a registration of unknown hash is skipped (any value could
/// be its).
/// </summary>
public static class LocalReadCheck
{
    public static IEnumerable<Operation> Invented(IReadOnlyList<Operation> workOperations)
    {
        ArgumentNullException.ThrowIfNull(workOperations);
        var writers = workOperations.Where(IsPossibleWrite).ToList();
        if (writers.Any(w => w.TransactionHash is null))
        {
            yield break;
        }

        foreach (var read in workOperations)
        {
            if (read.Kind != OperationKind.ReadLocal || read.Outcome != OutcomeKind.Ok || read.TransactionHash is not { } value)
            {
                continue;
            }

            var completed = read.CompletedAt ?? long.MaxValue;
            if (!writers.Any(w => w.InvokedAt <= completed && string.Equals(w.TransactionHash, value, StringComparison.OrdinalIgnoreCase)))
            {
                yield return read;
            }
        }
    }

    /// <summary>A registration that may have written its transaction hash: acknowledged, indeterminate, or refused as a duplicate of itself.</summary>
    private static bool IsPossibleWrite(Operation operation) =>
        operation.Kind == OperationKind.Register
        && (operation.Outcome != OutcomeKind.Failed || string.Equals(operation.ReferenceTransactionHash, operation.TransactionHash, StringComparison.OrdinalIgnoreCase) && operation.ReferenceTransactionHash is not null);
}
