using Ledger.Chaos.Checking.Chain;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking;

/// <summary>
/// A read that answered a registration (or a duplicate refusal that named one) saw a value the ledger
/// had written; at the end that transaction must be in the agreed chain. One that is not vanished:
/// the ledger showed a registration and then lost it (for example acknowledged to a reader before it
/// was committed). This holds whatever the history knows of the writer, so it covers registrations
/// whose outcome the client never learned. Reads already counted invented are not counted again.
/// </summary>
public static class VanishedReadCheck
{
    public static (long Count, IReadOnlyList<Violation> Violations) Check(IReadOnlyList<Operation> history, ChainReport chain, IReadOnlySet<long> alreadyInvented)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(alreadyInvented);
        if (!chain.ChainRead)
        {
            return (0, []);
        }

        long count = 0;
        var violations = new ViolationList();
        foreach (var operation in history)
        {
            if (Observed(operation) is not { } value || alreadyInvented.Contains(operation.Id) || chain.FindTransaction(value) is not null)
            {
                continue;
            }

            count++;
            violations.Add(new Violation(ViolationKind.VanishedRead, $"{operation.Kind} #{operation.Id} of work {operation.WorkKey} answered registration {value}, which the agreed chain does not hold")
            {
                WorkKey = operation.WorkKey,
                Slice = [.. history.Where(o => o.Kind == OperationKind.Register && string.Equals(o.WorkKey, operation.WorkKey, StringComparison.OrdinalIgnoreCase)).Append(operation).OrderBy(o => o.InvokedAt).ThenBy(o => o.Id)],
                Details = [$"node heights: {string.Join(", ", chain.NodeHeights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}"],
            });
        }

        return (count, violations.ToList());
    }

    private static string? Observed(Operation operation) => operation switch
    {
        { Kind: OperationKind.ReadLinearizable or OperationKind.ReadLocal, Outcome: OutcomeKind.Ok, TransactionHash: { } value } => value,
        { Kind: OperationKind.Register, ReferenceTransactionHash: { } reference } => reference,
        _ => null,
    };
}
