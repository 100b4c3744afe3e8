namespace Ledger.Chaos.Workload;

/// <summary>What one attempt of one registration says about its fate.</summary>
public enum AttemptVerdict
{
    /// <summary>Committed and accepted: the receipt names its block and position.</summary>
    Acknowledged,

    /// <summary>Committed as rejected (duplicate content, ...): in the chain, with no effect on the work.</summary>
    CommittedRejection,

    /// <summary>An earlier copy of this very transaction was applied (its retry was committed as a duplicate nonce): applied, but the receipt in hand is not its.</summary>
    AppliedElsewhere,

    /// <summary>Refused at the door with a precise status before anything was proposed; retrying would get the same answer.</summary>
    Refused,

    /// <summary>Refused before proposing (overload, no leader known): not applied by this attempt; worth retrying.</summary>
    RefusedRetryable,

    /// <summary>No verdict: lost connection, deadline, leadership change after queueing. It may have been applied; retry the same signed transaction.</summary>
    Indeterminate,
}
