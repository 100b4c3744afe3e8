using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Claims;

public sealed class ClaimWorkflowTests
{
    private TestChain chain = null!;
    private ByteString aliceWork = ByteString.Empty;

    [SetUp]
    public void RegisterAliceWork()
    {
        chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)));
        aliceWork = Sample.WorkIdOf(chain.LastTxHash);
    }

    [Test]
    public void Claim_FiledRespondedResolvedJudged_RecordsEveryStepInOrder()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork, accusedMemberId: Bob));

        var respond = chain.Apply(Bob, TransactionType.RespondToClaim, new RespondToClaim { ClaimId = claimId, StatementHash = Sample.Hash("counter-notice") });
        var resolve = chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Takedown });
        var judge = chain.Apply(Court, TransactionType.RecordJudgment, Judgment(claimId));

        Assert.That(new[] { respond, resolve, judge }.All(o => o.IsOk), Is.True, $"{respond} / {resolve} / {judge}");
        var claim = chain.Queries.GetClaim(claimId.Span)!;
        Assert.That(claim.Status, Is.EqualTo(ClaimStatus.Judged));
        Assert.That(claim.ResponderMemberId, Is.EqualTo(Bob));
        Assert.That(claim.Resolution, Is.EqualTo(ClaimResolution.Takedown));
        Assert.That(claim.Ruling, Is.EqualTo(Ruling.InfringementFound));
        Assert.That(claim.JudgmentTxHash.ToByteArray(), Is.EqualTo(chain.LastTxHash));
        Assert.That(chain.Queries.GetWorkHistory(aliceWork.Span, null, 10).Items.Select(e => e.Kind), Is.EqualTo(new[]
        {
            WorkEventKind.Registered, WorkEventKind.ClaimFiled, WorkEventKind.ClaimResponded, WorkEventKind.ClaimResolved, WorkEventKind.JudgmentRecorded,
        }));
    }

    [Test]
    public void ResolveClaim_WithoutResponse_IsAllowed()
    {
        var claimId = File(Platform, Sample.Claim(aliceWork));

        Assert.That(chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Rejected }).IsOk, Is.True);
    }

    [Test]
    public void RecordJudgment_BeforeAnyPlatformResolution_IsAllowed()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));

        Assert.That(chain.Apply(Court, TransactionType.RecordJudgment, Judgment(claimId)).IsOk, Is.True);
    }

    [Test]
    public void RespondToClaim_AfterResolution_IsRejected_ClaimTransitionNotAllowed()
    {
        var claimId = File(Platform, Sample.Claim(aliceWork));
        chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Takedown });

        var late = chain.Apply(Platform, TransactionType.RespondToClaim, new RespondToClaim { ClaimId = claimId, StatementHash = Sample.Hash("late") });

        Assert.That(late.Reason, Is.EqualTo(RejectionReason.ClaimTransitionNotAllowed));
        Assert.That(chain.Queries.GetClaim(claimId.Span)!.Status, Is.EqualTo(ClaimStatus.Resolved));
    }

    [Test]
    public void ResolveClaim_Twice_IsRejected_ClaimTransitionNotAllowed()
    {
        var claimId = File(Platform, Sample.Claim(aliceWork));
        chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Takedown });

        var again = chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Reinstated });

        Assert.That(again.Reason, Is.EqualTo(RejectionReason.ClaimTransitionNotAllowed));
    }

    [Test]
    public void AnyStep_AfterJudgment_IsRejected_ClaimTransitionNotAllowed()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));
        chain.Apply(Court, TransactionType.RecordJudgment, Judgment(claimId));

        var resolve = chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Takedown });
        var judgeAgain = chain.Apply(Court, TransactionType.RecordJudgment, Judgment(claimId));

        Assert.That(resolve.Reason, Is.EqualTo(RejectionReason.ClaimTransitionNotAllowed));
        Assert.That(judgeAgain.Reason, Is.EqualTo(RejectionReason.ClaimTransitionNotAllowed));
    }

    [TestCase(ClaimStatus.Filed, ClaimStatus.Responded, true)]
    [TestCase(ClaimStatus.Filed, ClaimStatus.Resolved, true)]
    [TestCase(ClaimStatus.Filed, ClaimStatus.Judged, true)]
    [TestCase(ClaimStatus.Responded, ClaimStatus.Resolved, true)]
    [TestCase(ClaimStatus.Responded, ClaimStatus.Judged, true)]
    [TestCase(ClaimStatus.Resolved, ClaimStatus.Judged, true)]
    [TestCase(ClaimStatus.Responded, ClaimStatus.Responded, false)]
    [TestCase(ClaimStatus.Resolved, ClaimStatus.Responded, false)]
    [TestCase(ClaimStatus.Judged, ClaimStatus.Resolved, false)]
    [TestCase(ClaimStatus.Judged, ClaimStatus.Judged, false)]
    public void ClaimStateMachine_AllowsOnlyForwardSteps(ClaimStatus from, ClaimStatus to, bool allowed)
    {
        Assert.That(ClaimStateMachine.IsAllowed(from, to), Is.EqualTo(allowed));
    }

    [Test]
    public void ResolveClaim_ByRightsHolder_IsRejected_NotPlatform()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));

        var outcome = chain.Apply(Alice, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = claimId, Resolution = ClaimResolution.Takedown });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void RecordJudgment_ByPlatform_IsRejected_CourtOnly()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));

        Assert.That(chain.Apply(Platform, TransactionType.RecordJudgment, Judgment(claimId)).Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void RespondToClaim_BySomeoneOtherThanTheAccusedMember_IsRejected_NotAuthorized()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork, accusedMemberId: Bob));

        var outcome = chain.Apply(Platform, TransactionType.RespondToClaim, new RespondToClaim { ClaimId = claimId, StatementHash = Sample.Hash("n") });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [Test]
    public void RespondToClaim_WithoutAccusedMember_ByRightsHolder_IsRejected_NotAuthorized()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));

        var outcome = chain.Apply(Bob, TransactionType.RespondToClaim, new RespondToClaim { ClaimId = claimId, StatementHash = Sample.Hash("n") });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [Test]
    public void FileClaim_ByRightsHolderForSomeoneElsesWork_IsRejected_NotAuthorized()
    {
        Assert.That(chain.Apply(Bob, TransactionType.FileClaim, Sample.Claim(aliceWork)).Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [Test]
    public void FileClaim_WithTooManyEvidenceHashes_IsRejected_LimitExceeded()
    {
        var body = Sample.Claim(aliceWork);
        for (var i = 0; i < RegistryLimits.EvidenceHashesMax; i++)
        {
            body.EvidenceHashes.Add(Sample.Hash($"e{i}"));
        }

        Assert.That(chain.Apply(Alice, TransactionType.FileClaim, body).Reason, Is.EqualTo(RejectionReason.LimitExceeded));
    }

    [Test]
    public void FileClaim_AccusingUnknownMember_IsRejected_UnknownMember()
    {
        Assert.That(chain.Apply(Alice, TransactionType.FileClaim, Sample.Claim(aliceWork, accusedMemberId: "ghost")).Reason, Is.EqualTo(RejectionReason.UnknownMember));
    }

    [Test]
    public void ResolveClaim_OfUnknownClaim_IsRejected_ClaimNotFound()
    {
        var outcome = chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = Sample.Hash("none"), Resolution = ClaimResolution.Takedown });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ClaimNotFound));
    }

    [Test]
    public void PreserveEvidence_ByCourt_IsAttachedToTheClaimAndTheWorkHistory()
    {
        var claimId = File(Alice, Sample.Claim(aliceWork));

        var outcome = chain.Apply(Court, TransactionType.PreserveEvidence, Evidence(claimId));

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        var evidenceId = chain.LastTxHash;
        Assert.That(chain.Queries.GetClaim(claimId.Span)!.PreservedEvidenceIds.Single().ToByteArray(), Is.EqualTo(evidenceId));
        Assert.That(chain.Queries.GetEvidence(evidenceId)!.Method, Is.EqualTo(CaptureMethod.WebArchive));
        Assert.That(chain.Queries.GetWorkHistory(aliceWork.Span, null, 10).Items[^1].Kind, Is.EqualTo(WorkEventKind.EvidencePreserved));
    }

    [Test]
    public void PreserveEvidence_ByRightsHolder_IsRejected_RoleNotPermitted()
    {
        Assert.That(chain.Apply(Alice, TransactionType.PreserveEvidence, Evidence(ByteString.Empty)).Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void PreserveEvidence_CapturedInTheFuture_IsRejected_InvalidField()
    {
        var body = Evidence(ByteString.Empty);
        body.CaptureUnixMs = TimestampOf(chain.Height + 1) + RegistryLimits.ClaimedTimeFutureSkewMs + 1;

        Assert.That(chain.Apply(Platform, TransactionType.PreserveEvidence, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void ClaimsByStatusAndByWork_FollowTheWorkflow()
    {
        var first = File(Alice, Sample.Claim(aliceWork));
        var second = File(Platform, Sample.Claim(aliceWork));
        chain.Apply(Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = first, Resolution = ClaimResolution.Takedown });

        Assert.That(chain.Queries.GetClaimsByWork(aliceWork.Span, null, 10).Items, Has.Count.EqualTo(2));
        Assert.That(chain.Queries.GetClaimsByStatus(ClaimStatus.Filed, null, 10).Items.Single().ClaimId, Is.EqualTo(second));
        Assert.That(chain.Queries.GetClaimsByStatus(ClaimStatus.Resolved, null, 10).Items.Single().ClaimId, Is.EqualTo(first));
    }

    private ByteString File(string signer, FileClaim body)
    {
        var outcome = chain.Apply(signer, TransactionType.FileClaim, body);
        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        return ByteString.CopyFrom(chain.LastTxHash);
    }

    private static RecordJudgment Judgment(ByteString claimId) => new()
    {
        ClaimId = claimId,
        Ruling = Ruling.InfringementFound,
        JudgmentDocumentHash = Sample.Hash("judgment.pdf"),
        CaseNumber = "(2026) Zhe 0192 Min Chu 1234",
    };

    private static PreserveEvidence Evidence(ByteString claimId) => new()
    {
        ClaimId = claimId,
        MaterialHash = Sample.Hash("archive.warc"),
        CaptureUnixMs = GenesisTimeUnixMs,
        Method = CaptureMethod.WebArchive,
        Description = "listing page",
    };
}
