using Ledger.Chaos.History;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>Writes histories for the checker's specifications: times are plain numbers, values short names.</summary>
internal sealed class HistoryBuilder
{
    public const string Work = "0000000000000000000000000000000000000000000000000000000000000001";

    private readonly List<Operation> operations = [];

    public List<Operation> Operations => operations;

    /// <summary>A 64-hex-digit transaction hash made of one repeated character.</summary>
    public static string Tx(char c) => new(c, 64);

    public Operation Register(string? tx, long invoked, long? completed, OutcomeKind outcome = OutcomeKind.Ok, string work = Work, ulong? height = null, int? position = null, string? referenceTransactionHash = null) =>
        Add(new Operation
        {
            Id = operations.Count,
            ClientId = operations.Count,
            Kind = OperationKind.Register,
            WorkKey = work,
            NodeId = "node-1",
            InvokedAt = invoked,
            CompletedAt = outcome == OutcomeKind.Unknown ? null : completed,
            Outcome = outcome,
            TransactionHash = tx,
            BlockHeight = height,
            Position = position,
            ReferenceTransactionHash = referenceTransactionHash,
        });

    /// <summary>An unanswered registration: invoked, never completed.</summary>
    public Operation RegisterUnknown(string? tx, long invoked, string work = Work) => Register(tx, invoked, null, OutcomeKind.Unknown, work);

    /// <summary>A registration the ledger committed but refused as a duplicate of <paramref name="existing"/>.</summary>
    public Operation RegisterRefusedAsDuplicate(string tx, string existing, long invoked, long completed, string work = Work) =>
        Register(tx, invoked, completed, OutcomeKind.Failed, work, referenceTransactionHash: existing);

    public Operation Read(string? value, long invoked, long completed, string work = Work) => AddRead(OperationKind.ReadLinearizable, value, invoked, completed, work);

    public Operation ReadLocal(string? value, long invoked, long completed, string work = Work) => AddRead(OperationKind.ReadLocal, value, invoked, completed, work);

    private Operation AddRead(OperationKind kind, string? value, long invoked, long completed, string work) =>
        Add(new Operation
        {
            Id = operations.Count,
            ClientId = operations.Count,
            Kind = kind,
            WorkKey = work,
            NodeId = "node-2",
            InvokedAt = invoked,
            CompletedAt = completed,
            Outcome = OutcomeKind.Ok,
            TransactionHash = value,
        });

    private Operation Add(Operation operation)
    {
        operations.Add(operation);
        return operation;
    }
}
