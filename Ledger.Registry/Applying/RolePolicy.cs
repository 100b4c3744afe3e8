using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>Which roles may sign which transaction types. Object-level checks (controller, accused party) come after.</summary>
public static class RolePolicy
{
    private static readonly MemberRole[] Registrants = [MemberRole.Platform, MemberRole.RightsHolder];
    private static readonly MemberRole[] Platforms = [MemberRole.Platform];
    private static readonly MemberRole[] EvidenceKeepers = [MemberRole.Platform, MemberRole.Court];
    private static readonly MemberRole[] Courts = [MemberRole.Court];
    private static readonly MemberRole[] Admins = [MemberRole.Admin];
    private static readonly MemberRole[] AllButAuditors = [MemberRole.Admin, MemberRole.Platform, MemberRole.Court, MemberRole.RightsHolder];
    private static readonly MemberRole[] Nobody = [];

    public static IReadOnlyList<MemberRole> AllowedRoles(TransactionType type) => type switch
    {
        TransactionType.RegisterWork or TransactionType.BatchRegister => Registrants,
        TransactionType.TransferOwnership or TransactionType.GrantLicense or TransactionType.RevokeLicense => Registrants,
        TransactionType.FileClaim or TransactionType.RespondToClaim => Registrants,
        TransactionType.ResolveClaim => Platforms,
        TransactionType.PreserveEvidence => EvidenceKeepers,
        TransactionType.RecordJudgment => Courts,
        TransactionType.ProposeChange or TransactionType.Vote => Admins,
        TransactionType.Anchor => AllButAuditors,
        _ => Nobody,
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
