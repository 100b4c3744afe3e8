namespace Ledger.Chaos.History;

/// <summary>How an invocation ended, as the client saw it.</summary>
public enum OutcomeKind
{
    /// <summary>The ledger acknowledged it: a write's receipt (block, position) or a read's answer.</summary>
    Ok,

    /// <summary>Definitely not applied: a precise refusal before anything was proposed (InvalidArgument, rejected duplicate, ...).</summary>
    Failed,

    /// <summary>Indeterminate (timeout, connection lost, Unavailable after sending): it may or may not have taken effect.</summary>
    Unknown,
}
