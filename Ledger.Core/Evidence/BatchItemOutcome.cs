using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// What the registry decided for one item of an accepted BatchRegister; the log commits to it
/// through the result's <c>item_outcomes_root</c> (see <see cref="BatchItemOutcomeLeaf"/> and
/// <see cref="BatchItemOutcomeTree"/>).
/// <list type="bullet">
/// <item>Accepted: <see cref="ResultCode.Ok"/>, reason "", both references empty.</item>
/// <item>Rejected: <see cref="ResultCode.Rejected"/>, the registry's bounded reason ("ReasonName: detail"),
/// and for a duplicate the prior registration's work id (tx hash || u32 BE item index) and its
/// transaction hash; empty references otherwise.</item>
/// </list>
/// </summary>
/// <param name="ItemIndex">The item's index in the batch (its leaf index in both batch trees).</param>
/// <param name="Code">Ok or Rejected.</param>
/// <param name="Reason">Empty for an accepted item; UTF-8 at most <see cref="Blocks.LogLeaf.ReasonBytesMax"/> bytes.</param>
/// <param name="ReferenceWorkId">The prior registration's work id for a duplicate; else empty. At most 64 bytes.</param>
/// <param name="ReferenceTxHash">The prior registration's transaction hash for a duplicate; else empty. At most 64 bytes.</param>
public sealed record BatchItemOutcome(uint ItemIndex, ResultCode Code, string Reason, byte[] ReferenceWorkId, byte[] ReferenceTxHash)
{
    /// <summary>An accepted item.</summary>
    public static BatchItemOutcome Accepted(uint itemIndex) => new(itemIndex, ResultCode.Ok, "", [], []);

    public bool IsAccepted => Code == ResultCode.Ok;
}
