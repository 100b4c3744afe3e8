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
    private TransactionOutcome(ResultCode code, RejectionReason reason, string detail, byte[]? referenceTxHash, BatchRegisterOutcome? batch, byte[]? itemOutcomesRoot)
    {
        // A batch's outcomes and their root come together (the root commits to exactly those outcomes).
        if ((batch is null) != (itemOutcomesRoot is null))
        {
            throw new RegistryInvariantException("a batch outcome needs its item outcomes root, and only a batch outcome has one");
        }

        Code = code;
        Reason = reason;
        Detail = OutsideValue.CutToUtf8Bytes(detail ?? "", RegistryLimits.OutcomeDetailBytesMax);
        ReferenceTxHash = referenceTxHash;
        Batch = batch;
        ItemOutcomesRoot = itemOutcomesRoot;
    }

    public ResultCode Code { get; }

    public RejectionReason Reason { get; }

    public string Detail { get; }

    /// <summary>For a duplicate registration: the prior registration's transaction hash.</summary>
    public byte[]? ReferenceTxHash { get; }

    /// <summary>Per-item results of an accepted BatchRegister; null otherwise.</summary>
    public BatchRegisterOutcome? Batch { get; }

    /// <summary>
    /// Accepted BatchRegister only: the root over its item outcome leaves
    /// (<see cref="Ledger.Core.Evidence.BatchItemOutcomeTree"/> of <see cref="Batch"/>), recorded in the
    /// result and so committed by the log leaf.
    /// </summary>
    public byte[]? ItemOutcomesRoot { get; }

    public bool IsOk => Code == ResultCode.Ok;

    public static TransactionOutcome Ok(string detail = "") => new(ResultCode.Ok, RejectionReason.None, detail, null, null, null);

    /// <summary>An accepted batch, with its per-item outcomes and the root that commits to them.</summary>
    public static TransactionOutcome OkBatch(string detail, BatchRegisterOutcome batch, byte[] itemOutcomesRoot)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(itemOutcomesRoot);
        return new(ResultCode.Ok, RejectionReason.None, detail, null, batch, itemOutcomesRoot);
    }

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

        return new(ResultCode.Rejected, reason, detail, referenceTxHash, null, null);
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
        ItemOutcomesRoot = ItemOutcomesRoot is null ? ByteString.Empty : ByteString.CopyFrom(ItemOutcomesRoot),
    };

    public override string ToString() => IsOk ? $"Ok {Detail}" : $"Rejected {Reason}: {Detail}";
}
