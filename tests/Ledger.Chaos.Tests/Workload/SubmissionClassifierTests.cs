using Grpc.Core;
using Ledger.Chaos.Workload;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Tests.Workload;

public sealed class SubmissionClassifierTests
{
    [TestCase(StatusCode.Unavailable, AttemptVerdict.Indeterminate)]
    [TestCase(StatusCode.DeadlineExceeded, AttemptVerdict.Indeterminate)]
    [TestCase(StatusCode.Unknown, AttemptVerdict.Indeterminate)]
    [TestCase(StatusCode.Internal, AttemptVerdict.Indeterminate)]
    [TestCase(StatusCode.Cancelled, AttemptVerdict.Indeterminate)]
    [TestCase(StatusCode.InvalidArgument, AttemptVerdict.Refused)]
    [TestCase(StatusCode.PermissionDenied, AttemptVerdict.Refused)]
    [TestCase(StatusCode.AlreadyExists, AttemptVerdict.Refused)]
    [TestCase(StatusCode.ResourceExhausted, AttemptVerdict.RefusedRetryable)]
    public void ClassifyStatus_AnswerInsteadOfAReceipt_IsRefusalOnlyWhenNothingWasProposed(StatusCode code, AttemptVerdict expected)
    {
        Assert.That(SubmissionClassifier.Classify(new SubmitResponse { ErrorCode = (int)code, ErrorMessage = "x" }), Is.EqualTo(expected));
    }

    [Test]
    public void Classify_AcceptedReceipt_IsAcknowledged()
    {
        var response = new SubmitResponse { Receipt = new Receipt { Result = new TransactionResult { Code = ResultCode.Ok } } };

        Assert.That(SubmissionClassifier.Classify(response), Is.EqualTo(AttemptVerdict.Acknowledged));
    }

    [Test]
    public void Classify_DuplicateContentRejection_IsACommittedRejection()
    {
        var response = new SubmitResponse { Receipt = new Receipt { Result = new TransactionResult { Code = ResultCode.Rejected, Reason = "DuplicateContentHash: already registered" } } };

        Assert.That(SubmissionClassifier.Classify(response), Is.EqualTo(AttemptVerdict.CommittedRejection));
    }

    [Test]
    public void Classify_DuplicateNonceRejection_MeansAnEarlierCopyWasApplied()
    {
        var response = new SubmitResponse { Receipt = new Receipt { Result = new TransactionResult { Code = ResultCode.Rejected, Reason = "DuplicateNonce: nonce 7 was already used by this key" } } };

        Assert.That(SubmissionClassifier.Classify(response), Is.EqualTo(AttemptVerdict.AppliedElsewhere));
    }

    [Test]
    public void Classify_ReceiptWithoutResult_IsIndeterminate()
    {
        Assert.That(SubmissionClassifier.Classify(new SubmitResponse { Receipt = new Receipt() }), Is.EqualTo(AttemptVerdict.Indeterminate));
    }

    [TestCase("no work registered with sha256 ab (as of height 42)", 42UL)]
    [TestCase("no work registered with sha256 ab", null)]
    [TestCase("", null)]
    public void AsOfHeightIn_NotFoundDetail_ReadsTheHeightItNames(string detail, ulong? expected)
    {
        Assert.That(NotRegisteredAnswer.AsOfHeightIn(detail), Is.EqualTo(expected));
    }
}
