using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Bounds;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>FileClaim, RespondToClaim, ResolveClaim, PreserveEvidence, RecordJudgment. Claim id = filing transaction hash.</summary>
internal static class ClaimTransactions
{
    public static TransactionOutcome File(TransactionContext context, FileClaim body)
    {
        var work = Works.Require(context, body.WorkId, "work_id");
        if (context.Signer.Role == MemberRole.RightsHolder)
        {
            Works.RequireController(context, work, "file a claim for it");
        }

        if (body.AccusedMemberId.Length > 0 && context.MemberReadOnly(body.AccusedMemberId) is null)
        {
            throw Check.Fail(RejectionReason.UnknownMember, $"accused_member_id {OutsideValue.Quote(body.AccusedMemberId)} is not a member");
        }

        var claimId = ByteString.CopyFrom(context.TxHash);
        var claim = new ClaimRecord
        {
            ClaimId = claimId,
            WorkId = body.WorkId,
            ClaimantMemberId = context.SignerId,
            InfringingItemId = body.InfringingItemId,
            InfringingContentSha256 = body.InfringingContentSha256,
            AccusedMemberId = body.AccusedMemberId,
            Status = ClaimStatus.Filed,
            FiledAt = context.Here,
        };
        claim.EvidenceHashes.AddRange(body.EvidenceHashes);
        context.State.Put(StateKeys.Claim(context.TxHash), claim);
        context.State.PutMarker(StateKeys.ClaimByWork(body.WorkId.Span, context.TxHash));
        context.State.PutMarker(StateKeys.ClaimByStatus(ClaimStatus.Filed, context.TxHash));
        Works.AddEvent(context, body.WorkId, WorkEventKind.ClaimFiled, claimId);
        return TransactionOutcome.Ok($"claim {Convert.ToHexString(context.TxHash)} filed");
    }

    public static TransactionOutcome Respond(TransactionContext context, RespondToClaim body)
    {
        var claim = Require(context, body.ClaimId);
        if (claim.AccusedMemberId.Length > 0)
        {
            if (claim.AccusedMemberId != context.SignerId)
            {
                throw Check.Fail(RejectionReason.NotAuthorized, $"only the accused member {OutsideValue.Quote(claim.AccusedMemberId)} may respond to this claim");
            }
        }
        else if (context.Signer.Role != MemberRole.Platform)
        {
            throw Check.Fail(RejectionReason.NotAuthorized, "the claim names no accused member, so only a platform may relay a counter-notice");
        }

        Move(context, claim, ClaimStatus.Responded);
        claim.ResponderMemberId = context.SignerId;
        claim.ResponseStatementHash = body.StatementHash;
        claim.ResponseEvidenceHashes.AddRange(body.EvidenceHashes);
        claim.RespondedAt = context.Here;
        Save(context, claim);
        Works.AddEvent(context, claim.WorkId, WorkEventKind.ClaimResponded, claim.ClaimId);
        return TransactionOutcome.Ok("counter-notice recorded");
    }

    public static TransactionOutcome Resolve(TransactionContext context, ResolveClaim body)
    {
        var claim = Require(context, body.ClaimId);
        Move(context, claim, ClaimStatus.Resolved);
        claim.Resolution = body.Resolution;
        claim.ResolutionNote = body.Note;
        claim.ResolverMemberId = context.SignerId;
        claim.ResolvedAt = context.Here;
        Save(context, claim);
        Works.AddEvent(context, claim.WorkId, WorkEventKind.ClaimResolved, claim.ClaimId);
        return TransactionOutcome.Ok($"claim resolved: {body.Resolution}");
    }

    public static TransactionOutcome PreserveEvidence(TransactionContext context, PreserveEvidence body)
    {
        Check.NotInFuture(body.CaptureUnixMs, context.Block, "capture_unix_ms");
        var evidenceId = ByteString.CopyFrom(context.TxHash);
        if (!body.ClaimId.IsEmpty)
        {
            var claim = Require(context, body.ClaimId);
            Check.CountMax(claim.PreservedEvidenceIds.Count + 1, RegistryLimits.PreservedEvidencePerClaimMax, "claim's preserved evidence", nameof(RegistryLimits.PreservedEvidencePerClaimMax));
            claim.PreservedEvidenceIds.Add(evidenceId);
            Save(context, claim);
            Works.AddEvent(context, claim.WorkId, WorkEventKind.EvidencePreserved, evidenceId);
        }

        context.State.Put(StateKeys.Evidence(context.TxHash), new EvidenceRecord
        {
            EvidenceId = evidenceId,
            ClaimId = body.ClaimId,
            MaterialHash = body.MaterialHash,
            CaptureUnixMs = body.CaptureUnixMs,
            Method = body.Method,
            Description = body.Description,
            PreserverMemberId = context.SignerId,
            PreservedAt = context.Here,
        });
        return TransactionOutcome.Ok($"evidence {Convert.ToHexString(context.TxHash)} preserved");
    }

    public static TransactionOutcome RecordJudgment(TransactionContext context, RecordJudgment body)
    {
        var claim = Require(context, body.ClaimId);
        Move(context, claim, ClaimStatus.Judged);
        claim.Ruling = body.Ruling;
        claim.JudgmentDocumentHash = body.JudgmentDocumentHash;
        claim.CaseNumber = body.CaseNumber;
        claim.CourtMemberId = context.SignerId;
        claim.JudgedAt = context.Here;
        claim.JudgmentTxHash = ByteString.CopyFrom(context.TxHash);
        Save(context, claim);
        Works.AddEvent(context, claim.WorkId, WorkEventKind.JudgmentRecorded, claim.ClaimId);
        return TransactionOutcome.Ok($"judgment recorded: {body.Ruling}");
    }

    private static ClaimRecord Require(TransactionContext context, ByteString claimId)
    {
        Check.Id(claimId, RegistryLimits.HashBytes, "claim_id");
        return context.State.Get(StateKeys.Claim(claimId.Span), ClaimRecord.Parser)
            ?? throw Check.Fail(RejectionReason.ClaimNotFound, $"claim {Convert.ToHexString(claimId.Span)} does not exist");
    }

    private static void Move(TransactionContext context, ClaimRecord claim, ClaimStatus to)
    {
        if (!ClaimStateMachine.IsAllowed(claim.Status, to))
        {
            throw Check.Fail(RejectionReason.ClaimTransitionNotAllowed, $"a claim in state {claim.Status} cannot become {to}");
        }

        context.State.Delete(StateKeys.ClaimByStatus(claim.Status, claim.ClaimId.Span));
        context.State.PutMarker(StateKeys.ClaimByStatus(to, claim.ClaimId.Span));
        claim.Status = to;
    }

    private static void Save(TransactionContext context, ClaimRecord claim) => context.State.Put(StateKeys.Claim(claim.ClaimId.Span), claim);
}
