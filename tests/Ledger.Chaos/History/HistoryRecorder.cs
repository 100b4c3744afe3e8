using System.Diagnostics;

namespace Ledger.Chaos.History;

/// <summary>
/// The run's history: every invocation and completion, recorded as they happen from many client
/// threads. Bounded: a run that would record more than <see cref="OperationsMax"/> operations (or the bound given) stops
/// recording and says so, instead of exhausting memory.
/// </summary>
public sealed class HistoryRecorder
{
    /// <summary>Ten minutes at 2,000 writes/s plus reads fit with room to spare.</summary>
    public const int OperationsMax = 8_000_000;

    /// <summary>Longest error text kept per operation.</summary>
    public const int ErrorCharsMax = 256;

    private readonly Lock gate = new();
    private readonly List<Operation> operations = [];
    private readonly int operationsMax;
    private long nextId;

    public HistoryRecorder()
        : this(OperationsMax)
    {
    }

    /// <summary>A recorder bounded at <paramref name="operationsMax"/> (at most <see cref="OperationsMax"/>; tests use small bounds).</summary>
    public HistoryRecorder(int operationsMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(operationsMax, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(operationsMax, OperationsMax);
        this.operationsMax = operationsMax;
    }

    /// <summary>Operations recorded so far.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return operations.Count;
            }
        }
    }

    public bool Overflowed { get; private set; }

    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Records an invocation and returns its operation (null once the bound is reached).</summary>
    public Operation? Invoke(int clientId, OperationKind kind, string workKey, string nodeId)
    {
        lock (gate)
        {
            if (operations.Count >= operationsMax)
            {
                Overflowed = true;
                return null;
            }

            var operation = new Operation { Id = nextId++, ClientId = clientId, Kind = kind, WorkKey = workKey, NodeId = nodeId, InvokedAt = Now };
            operations.Add(operation);
            return operation;
        }
    }

    /// <summary>Records how <paramref name="invoked"/> ended; <paramref name="completed"/> carries the outcome fields.</summary>
    public void Complete(Operation invoked, Operation completed)
    {
        ArgumentNullException.ThrowIfNull(invoked);
        ArgumentNullException.ThrowIfNull(completed);
        var error = completed.Error is { Length: > ErrorCharsMax } e ? e[..ErrorCharsMax] : completed.Error;
        var final = completed with { Id = invoked.Id, ClientId = invoked.ClientId, Kind = invoked.Kind, WorkKey = invoked.WorkKey, NodeId = invoked.NodeId, InvokedAt = invoked.InvokedAt, CompletedAt = Now, Error = error };
        lock (gate)
        {
            operations[(int)invoked.Id] = final;
        }
    }

    /// <summary>A copy of every operation, in invocation order.</summary>
    public IReadOnlyList<Operation> Snapshot()
    {
        lock (gate)
        {
            return [.. operations];
        }
    }
}
