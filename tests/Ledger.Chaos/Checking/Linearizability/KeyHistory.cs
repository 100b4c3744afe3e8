using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// The operations of one work that the linearizability search checks, as register steps with their
/// call and return times. Included: every Register except a plain refusal (Failed without a
/// <see cref="Operation.ReferenceTransactionHash"/>: a committed duplicate rejection is read as "the
/// register held that value then"), and every linearizable read that answered. An operation without an answer returns at
/// +infinity: it may take effect at any point after its invocation.
/// </summary>
internal sealed class KeyHistory
{
    public const long NeverReturned = long.MaxValue;

    private KeyHistory(string workKey, Operation[] operations, RegisterStep[] steps, long[] calls, long[] returns, bool[] written)
    {
        WorkKey = workKey;
        Operations = operations;
        Steps = steps;
        Calls = calls;
        Returns = returns;
        Written = written;
    }

    public string WorkKey { get; }

    public Operation[] Operations { get; }

    public RegisterStep[] Steps { get; }

    public long[] Calls { get; }

    public long[] Returns { get; }

    /// <summary>Per value id: some write of this work names that transaction hash.</summary>
    public bool[] Written { get; }

    public int Count => Operations.Length;

    /// <summary>True when the operation takes part in the linearizability search.</summary>
    public static bool IsChecked(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Kind switch
        {
            OperationKind.Register => operation.Outcome != OutcomeKind.Failed || operation.ReferenceTransactionHash is not null,
            OperationKind.ReadLinearizable => operation.Outcome == OutcomeKind.Ok,
            _ => false,
        };
    }

    public static KeyHistory Build(string workKey, IReadOnlyList<Operation> operations)
    {
        var checkedOperations = operations.Where(IsChecked).ToArray();
        var values = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int ValueOf(string? hash)
        {
            if (hash is null)
            {
                return RegisterStep.Absent;
            }

            if (!values.TryGetValue(hash, out var id))
            {
                id = values.Count + 1;
                values.Add(hash, id);
            }

            return id;
        }

        var steps = new RegisterStep[checkedOperations.Length];
        var calls = new long[checkedOperations.Length];
        var returns = new long[checkedOperations.Length];
        var writtenIds = new HashSet<int>();
        for (var i = 0; i < checkedOperations.Length; i++)
        {
            var operation = checkedOperations[i];
            steps[i] = StepOf(operation, ValueOf);
            if (steps[i].Kind != RegisterStepKind.Read && steps[i].Value > 0)
            {
                writtenIds.Add(steps[i].Value);
            }

            calls[i] = operation.InvokedAt;
            returns[i] = operation.Outcome == OutcomeKind.Unknown || operation.CompletedAt is null ? NeverReturned : operation.CompletedAt.Value;
        }

        var written = new bool[values.Count + 1];
        foreach (var id in writtenIds)
        {
            written[id] = true;
        }

        return new KeyHistory(workKey, checkedOperations, steps, calls, returns, written);
    }

    private static RegisterStep StepOf(Operation operation, Func<string?, int> valueOf)
    {
        if (operation.Kind == OperationKind.ReadLinearizable)
        {
            return new RegisterStep(RegisterStepKind.Read, valueOf(operation.TransactionHash));
        }

        var own = operation.TransactionHash is null ? RegisterStep.SomeValue : valueOf(operation.TransactionHash);
        if (operation.ReferenceTransactionHash is { } other)
        {
            // Refused as a duplicate of another registration: the register held that value. Refused as a
            // duplicate of itself: an earlier attempt of this very transaction took effect.
            return string.Equals(other, operation.TransactionHash, StringComparison.OrdinalIgnoreCase)
                ? new RegisterStep(RegisterStepKind.AcknowledgedWrite, own)
                : new RegisterStep(RegisterStepKind.Read, valueOf(other));
        }

        return operation.Outcome == OutcomeKind.Ok
            ? new RegisterStep(RegisterStepKind.AcknowledgedWrite, own)
            : new RegisterStep(RegisterStepKind.IndeterminateWrite, own);
    }
}
