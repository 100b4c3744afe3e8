using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Chaos.Workload;

/// <summary>
/// Reads one SubmitStream answer (or its absence) the way the node means it. The rule that keeps the
/// history honest: only an answer that proves the transaction was not proposed by this attempt is a
/// refusal; anything that could have left it in a log (Unavailable after queueing, a deadline, a broken
/// stream) is <see cref="AttemptVerdict.Indeterminate"/>, and stays so unless a later attempt of the same
/// signed transaction gets its receipt (the node answers a resubmitted committed transaction with its
/// receipt: SubmissionPath's idempotent submit).
/// </summary>
public static class SubmissionClassifier
{
    public static AttemptVerdict Classify(SubmitResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Receipt is { } receipt)
        {
            return ClassifyReceipt(receipt);
        }

        return ClassifyStatus((StatusCode)response.ErrorCode);
    }

    public static AttemptVerdict ClassifyReceipt(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Result is null || receipt.Result.Code == ResultCode.Ok)
        {
            return receipt.Result is null ? AttemptVerdict.Indeterminate : AttemptVerdict.Acknowledged;
        }

        // The chain records a rejection as "Name: detail" (RejectionReason's name).
        return receipt.Result.Reason.StartsWith(nameof(RejectionReason.DuplicateNonce), StringComparison.Ordinal)
            ? AttemptVerdict.AppliedElsewhere
            : AttemptVerdict.CommittedRejection;
    }

    /// <summary>A gRPC status answered instead of a receipt (per item on a SubmitStream, or for a whole call).</summary>
    public static AttemptVerdict ClassifyStatus(StatusCode code) => code switch
    {
        // The door's precise refusals (SubmissionGate): checked before anything is queued or proposed.
        StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.AlreadyExists or StatusCode.FailedPrecondition
            or StatusCode.Unauthenticated or StatusCode.OutOfRange or StatusCode.Unimplemented or StatusCode.NotFound => AttemptVerdict.Refused,

        // Overload is refused before admission (queue full, too many waiters, leader overloaded).
        StatusCode.ResourceExhausted => AttemptVerdict.RefusedRetryable,

        // Unavailable is also the answer for "queued, then leadership changed": the node believes it was
        // lost, but the history must not claim what the client cannot know.
        _ => AttemptVerdict.Indeterminate,
    };
}
