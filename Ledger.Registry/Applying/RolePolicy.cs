using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>Which roles may sign which transaction types. Object-level checks (controller, accused party) come after.</summary>
public static class RolePolicy
{
    public static IReadOnlyList<MemberRole> AllowedRoles(TransactionType type) => type switch
    {
        TransactionType.RegisterWork or TransactionType.BatchRegister => [MemberRole.Platform, MemberRole.RightsHolder],
        TransactionType.TransferOwnership or TransactionType.GrantLicense or TransactionType.RevokeLicense => [MemberRole.Platform, MemberRole.RightsHolder],
        TransactionType.FileClaim => [MemberRole.Platform, MemberRole.RightsHolder],
        TransactionType.RespondToClaim => [MemberRole.Platform, MemberRole.RightsHolder],
        TransactionType.ResolveClaim => [MemberRole.Platform],
        TransactionType.PreserveEvidence => [MemberRole.Platform, MemberRole.Court],
        TransactionType.RecordJudgment => [MemberRole.Court],
        TransactionType.ProposeChange or TransactionType.Vote => [MemberRole.Admin],
        TransactionType.Anchor => [MemberRole.Admin, MemberRole.Platform, MemberRole.Court, MemberRole.RightsHolder],
        _ => [],
    };

    public static bool IsAllowed(TransactionType type, MemberRole role)
    {
        foreach (var allowed in AllowedRoles(type))
        {
            if (allowed == role)
            {
                return true;
            }
        }

        return false;
    }
}
