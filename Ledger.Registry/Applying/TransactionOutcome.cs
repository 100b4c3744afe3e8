using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>The registry's verdict on one transaction; recorded in the block whatever it is.</summary>
public sealed class TransactionOutcome
{
    private TransactionOutcome(ResultCode code, RejectionReason reason, string detail, byte[]? referenceTxHash, BatchRegisterOutcome? batch)
    {
        Code = code;
        Reason = reason;
        Detail = detail;
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

        return new(ResultCode.Rejected, reason, detail, referenceTxHash, null);
    }

    /// <summary>The chain form: reason is "ReasonName: detail" for rejections, the detail otherwise.</summary>
    public TransactionResult ToProto() => new()
    {
        Code = Code,
        Reason = IsOk ? Detail : $"{Reason}: {Detail}",
        ReferenceTxHash = ReferenceTxHash is null ? ByteString.Empty : ByteString.CopyFrom(ReferenceTxHash),
    };

    public override string ToString() => IsOk ? $"Ok {Detail}" : $"Rejected {Reason}: {Detail}";
}
