namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>The answer of the linearizability search for one work.</summary>
public enum SearchOutcome
{
    Linearizable,

    NotLinearizable,

    /// <summary>The search hit its bound before it could prove either; reported, never a hang.</summary>
    Undecided,
}
