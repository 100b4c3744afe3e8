using System.Collections.Concurrent;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// Checks the history one work at a time (works are independent registers, so the history is
/// linearizable exactly when each work's is: linearizability is local, Herlihy and Wing 1990):
/// registrations and linearizable reads against <see cref="RegisterStep"/>'s model, and local reads
/// for inventions. Works are checked in parallel; each search is bounded.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Checks one work's operations (other kinds are ignored) within the given search bounds.</summary>
    public static SearchOutcome CheckWork(string workKey, IReadOnlyList<Operation> operations, int statesMax = LinearizabilitySearch.StatesPerKeyMax, long stepsMax = LinearizabilitySearch.StepsPerKeyMax)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return LinearizabilitySearch.Check(KeyHistory.Build(workKey, operations), statesMax, stepsMax);
    }

    public static LinearizabilityReport Check(IReadOnlyList<Operation> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var byWork = new Dictionary<string, List<Operation>>(StringComparer.OrdinalIgnoreCase);
        foreach (var operation in history)
        {
            if (operation.Kind is OperationKind.Register or OperationKind.ReadLinearizable or OperationKind.ReadLocal)
            {
                if (!byWork.TryGetValue(operation.WorkKey, out var list))
                {
                    list = [];
                    byWork.Add(operation.WorkKey, list);
                }

                list.Add(operation);
            }
        }

        var nonLinearizable = new ConcurrentBag<string>();
        var undecided = new ConcurrentBag<string>();
        var invented = new ConcurrentBag<(Operation Read, string WorkKey)>();
        long checkedWorks = 0;
        Parallel.ForEach(byWork, pair =>
        {
            var keyHistory = KeyHistory.Build(pair.Key, pair.Value);
            if (keyHistory.Count > 0)
            {
                Interlocked.Increment(ref checkedWorks);
                switch (LinearizabilitySearch.Check(keyHistory))
                {
                    case SearchOutcome.NotLinearizable:
                        nonLinearizable.Add(pair.Key);
                        break;
                    case SearchOutcome.Undecided:
                        undecided.Add(pair.Key);
                        break;
                    default:
                        break;
                }
            }

            foreach (var read in LocalReadCheck.Invented(pair.Value))
            {
                invented.Add((read, pair.Key));
            }
        });

        var violations = new List<Violation>();
        foreach (var key in nonLinearizable.Order(StringComparer.Ordinal).Take(CheckVerdict.ViolationsReportedPerKindMax))
        {
            var slice = HistoryShrinker.Shrink(key, byWork[key]);
            violations.Add(new Violation(ViolationKind.NonLinearizable, $"work {key}: no order of its {byWork[key].Count(KeyHistory.IsChecked)} registrations and linearizable reads explains their answers; smallest slice ({slice.Count} operations):")
            {
                WorkKey = key,
                Slice = slice,
            });
        }

        foreach (var (read, key) in invented.OrderBy(r => r.Read.Id).Take(CheckVerdict.ViolationsReportedPerKindMax))
        {
            var writes = byWork[key].Where(o => o.Kind == OperationKind.Register).ToList();
            violations.Add(new Violation(ViolationKind.InventedRead, $"work {key}: local read #{read.Id} answered {read.TransactionHash}, which no registration of the work had written by then")
            {
                WorkKey = key,
                Slice = [.. writes.Append(read).OrderBy(o => o.InvokedAt).ThenBy(o => o.Id)],
            });
        }

        return new LinearizabilityReport
        {
            WorksChecked = checkedWorks,
            NonLinearizableWorks = nonLinearizable.Count,
            UndecidedWorks = undecided.Count,
            InventedReads = invented.Count,
            InventedReadIds = invented.Select(r => r.Read.Id).ToHashSet(),
            Violations = violations,
            UndecidedKeys = [.. undecided.Order(StringComparer.Ordinal).Take(CheckVerdict.ViolationsReportedPerKindMax)],
        };
    }
}
