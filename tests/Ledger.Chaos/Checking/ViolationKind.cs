namespace Ledger.Chaos.Checking;

/// <summary>What a violation broke; each kind has its own count in <see cref="CheckVerdict"/>.</summary>
public enum ViolationKind
{
    /// <summary>An acknowledged registration is missing from the chain, or sits elsewhere than its receipt named.</summary>
    Lost,

    /// <summary>One transaction hash appears more than once in the chain.</summary>
    Duplicated,

    /// <summary>A node's block differs from the other nodes' block at the same height.</summary>
    Diverged,

    /// <summary>The agreed chain fails <c>ledger audit</c> (hash links, signatures, roots).</summary>
    AuditFailed,

    /// <summary>A node did not answer the chain checks (status or blocks) after all faults were healed.</summary>
    Unreachable,

    /// <summary>A work's linearizable reads and registrations admit no linearization.</summary>
    NonLinearizable,

    /// <summary>A local read answered a value no registration of that work wrote (or wrote only later).</summary>
    InventedRead,

    /// <summary>A read answered a registration that the agreed chain does not hold at the end.</summary>
    VanishedRead,

    /// <summary>An evidence bundle exported during the run no longer verifies VALID against the genesis.</summary>
    EvidenceFailed,
}
