namespace Ledger.Chaos.History;

/// <summary>What a client asked the ledger to do.</summary>
public enum OperationKind
{
    /// <summary>Register a work by content hash (a compare-and-set from absent on the work's register).</summary>
    Register,

    /// <summary>Look a work up by content hash with <c>--linearizable</c> consistency: must be linearizable.</summary>
    ReadLinearizable,

    /// <summary>Look a work up at local consistency: may be stale, never invented.</summary>
    ReadLocal,

    /// <summary>Export an evidence bundle for an acknowledged registration; re-verified at the end.</summary>
    ExportEvidence,
}
