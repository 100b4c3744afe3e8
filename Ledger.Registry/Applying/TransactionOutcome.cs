using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Bounds;

namespace Ledger.Registry.Applying;

/// <summary>
/// The registry's verdict on one transaction; recorded in the block whatever it is. Its detail is
/// bounded by construction: one longer than <see cref="RegistryLimits.OutcomeDetailBytesMax"/> is
/// cut (deterministically, see <see cref="OutsideValue.CutToUtf8Bytes"/>), never thrown, so no
/// transaction can make its own result too long for the log leaf.
/// </summary>
public sealed class TransactionOutcome
{
    private TransactionOutcome(ResultCode code, RejectionReason reason, string detail, byte[]? referenceTxHash, BatchRegisterOutcome? batch)
    {
        Code = code;
        Reason = reason;
        Detail = OutsideValue.CutToUtf8Bytes(detail ?? "", RegistryLimits.OutcomeDetailBytesMax);
        ReferenceTxHash = referenceTxHash;
        Batch = batch;
    }

    public ResultCode Code { get; }

    public RejectionReason Reason { get; }

    public string Detail { get; }

    /// <summary>For a duplicate registration: the prior registration's transaction hash.</summary>
    public byte[]? ReferenceTxHash { get; }

    /// <summary>Per-item results of an accepted BatchRegister; null otherwise.</summary>
    public BatchRegisterOutcome? Batch { get; }

    public bool IsOk => Code == ResultCode.Ok;

    public static TransactionOutcome Ok(string detail = "", BatchRegisterOutcome? batch = null) => new(ResultCode.Ok, RejectionReason.None, detail, null, batch);

    public static TransactionOutcome Rejected(RejectionReason reason, string detail, byte[]? referenceTxHash = null)
    {
        if (reason == RejectionReason.None)
        {
            throw new ArgumentException("a rejection needs a reason", nameof(reason));
        }

        // Only a prior transaction's hash is ever referenced; anything longer is a registry bug.
        if (referenceTxHash is { Length: > RegistryLimits.HashBytes })
        {
            throw new RegistryInvariantException($"a rejection references {referenceTxHash.Length} bytes, more than a transaction hash");
        }

        return new(ResultCode.Rejected, reason, detail, referenceTxHash, null);
    }

    /// <summary>The chain form: reason is "ReasonName: detail" for rejections, the detail otherwise.</summary>
    /// <remarks>
    /// The reason fits the log leaf (<c>LogLeaf.ReasonBytesMax</c>) by construction: a reason name of
    /// at most <see cref="RegistryLimits.ReasonNameBytesMax"/>, ": " and a bounded detail.
    /// </remarks>
    public TransactionResult ToProto() => new()
    {
        Code = Code,
        Reason = IsOk ? Detail : $"{Reason}: {Detail}",
        ReferenceTxHash = ReferenceTxHash is null ? ByteString.Empty : ByteString.CopyFrom(ReferenceTxHash),
    };

    public override string ToString() => IsOk ? $"Ok {Detail}" : $"Rejected {Reason}: {Detail}";
}
