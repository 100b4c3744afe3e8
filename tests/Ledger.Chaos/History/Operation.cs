namespace Ledger.Chaos.History;

/// <summary>
/// One client operation: its invocation and, once it returned, its completion. Times are monotonic
/// <see cref="System.Diagnostics.Stopwatch"/> ticks of the harness process, so every operation of one
/// run is ordered on one clock. <see cref="WorkKey"/> is the content hash (lower-case hex) that names the
/// work's register for the linearizability checker.
/// </summary>
public sealed record Operation
{
    public required long Id { get; init; }

    public required int ClientId { get; init; }

    public required OperationKind Kind { get; init; }

    public required string WorkKey { get; init; }

    /// <summary>Node the request was sent to (node id), for the smallest-slice report.</summary>
    public required string NodeId { get; init; }

    public required long InvokedAt { get; init; }

    /// <summary>Null while the operation is outstanding (never completed: counts as <see cref="OutcomeKind.Unknown"/>).</summary>
    public long? CompletedAt { get; init; }

    public OutcomeKind Outcome { get; init; } = OutcomeKind.Unknown;

    /// <summary>
    /// Register: the acknowledged transaction hash (lower-case hex); for Unknown and Failed outcomes the
    /// hash of the transaction that was sent (known before sending), so the checker knows what an
    /// indeterminate write would have written (null there = "some value", checked less strictly); a
    /// register that <see cref="OutcomeKind.Failed"/> by a committed rejection has its transaction in the
    /// chain, at <see cref="BlockHeight"/> and <see cref="Position"/>. Read: the registering transaction
    /// hash the node answered, or null for "not registered". ExportEvidence: the transaction the bundle is for.
    /// </summary>
    public string? TransactionHash { get; init; }

    /// <summary>
    /// Register: the block height the receipt named. Read: the block the answered registration is in
    /// (the work's registered_at), null for "not registered"; the height the node read at is
    /// <see cref="AsOfHeight"/>.
    /// </summary>
    public ulong? BlockHeight { get; init; }

    /// <summary>Register: the transaction's position in that block, from the receipt. Read: the answered registration's position (registered_at.index).</summary>
    public int? Position { get; init; }

    /// <summary>Read: the applied height the node answered at (as_of_height; for "not registered", the height its answer named).</summary>
    public ulong? AsOfHeight { get; init; }

    /// <summary>Register rejected as a duplicate of content already registered: the prior registration's transaction hash (lower-case hex) the rejection names.</summary>
    public string? ReferenceTransactionHash { get; init; }

    /// <summary>ExportEvidence: the bundle file written during the run.</summary>
    public string? EvidencePath { get; init; }

    /// <summary>Failed / Unknown: a short reason (gRPC status and detail), bounded by the recorder.</summary>
    public string? Error { get; init; }
}
