using Ledger.Core.Protocol;
using Ledger.Registry.Bounds;

namespace Ledger.Registry.Applying;

internal static class Holders
{
    /// <summary>
    /// The holder's shape, without state: a member id that is an identifier, or an external party
    /// with a bounded identifier and name (see <see cref="Bounds.BodyBounds"/>).
    /// </summary>
    public static void CheckShape(RightsHolder? holder, string field)
    {
        switch (holder?.HolderCase ?? RightsHolder.HolderOneofCase.None)
        {
            case RightsHolder.HolderOneofCase.MemberId:
                Check.Identifier(holder!.MemberId, $"{field}.member_id");
                break;
            case RightsHolder.HolderOneofCase.External:
                Check.RequiredUtf8Max(holder!.External.Identifier, RegistryLimits.ExternalHolderIdentifierBytesMax, $"{field}.external.identifier", nameof(RegistryLimits.ExternalHolderIdentifierBytesMax));
                Check.RequiredUtf8Max(holder.External.Name, RegistryLimits.ExternalHolderNameBytesMax, $"{field}.external.name", nameof(RegistryLimits.ExternalHolderNameBytesMax));
                break;
            default:
                throw Check.Fail(RejectionReason.MissingField, $"{field} is required");
        }
    }

    /// <summary>A holder (shape already checked) must be an active member or a named external party.</summary>
    public static void Validate(TransactionContext context, RightsHolder? holder, string field)
    {
        // Cheap, and keeps the lookup below safe whoever calls this.
        CheckShape(holder, field);
        if (holder!.HolderCase != RightsHolder.HolderOneofCase.MemberId)
        {
            return;
        }

        var member = context.MemberReadOnly(holder.MemberId)
            ?? throw Check.Fail(RejectionReason.UnknownMember, $"{field}.member_id {OutsideValue.Quote(holder.MemberId)} is not a member");
        if (!member.Active)
        {
            throw Check.Fail(RejectionReason.MemberInactive, $"{field}.member_id {OutsideValue.Quote(holder.MemberId)} was removed from the consortium");
        }
    }

    /// <summary>Same party: same member id, or same external identifier (names are display only).</summary>
    public static bool Same(RightsHolder a, RightsHolder b)
    {
        if (a.HolderCase != b.HolderCase)
        {
            return false;
        }

        return a.HolderCase switch
        {
            RightsHolder.HolderOneofCase.MemberId => string.Equals(a.MemberId, b.MemberId, StringComparison.Ordinal),
            RightsHolder.HolderOneofCase.External => string.Equals(a.External.Identifier, b.External.Identifier, StringComparison.Ordinal),
            _ => true,
        };
    }

    public static string Describe(RightsHolder holder) => holder.HolderCase switch
    {
        RightsHolder.HolderOneofCase.MemberId => $"member {OutsideValue.Quote(holder.MemberId)}",
        RightsHolder.HolderOneofCase.External => $"external {OutsideValue.Quote(holder.External.Identifier)}",
        _ => "nobody",
    };
}
