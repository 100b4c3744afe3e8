using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>
/// Infringement claims move forward only: filed → responded → resolved → judged. Allowed skips:
/// a platform may resolve without a counter-notice (filed → resolved), and a court may rule at
/// any stage before a judgment exists (filed/responded/resolved → judged), since litigation does
/// not wait for the platform. Nothing follows a judgment, nothing moves backwards, and each step
/// happens at most once.
/// </summary>
public static class ClaimStateMachine
{
    public static bool IsAllowed(ClaimStatus from, ClaimStatus to) => (from, to) switch
    {
        (ClaimStatus.Filed, ClaimStatus.Responded) => true,
        (ClaimStatus.Filed, ClaimStatus.Resolved) => true,
        (ClaimStatus.Filed, ClaimStatus.Judged) => true,
        (ClaimStatus.Responded, ClaimStatus.Resolved) => true,
        (ClaimStatus.Responded, ClaimStatus.Judged) => true,
        (ClaimStatus.Resolved, ClaimStatus.Judged) => true,
        _ => false,
    };
}
