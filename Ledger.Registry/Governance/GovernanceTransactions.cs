using Ledger.Core.Consortium;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Bounds;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;

namespace Ledger.Registry.Governance;

/// <summary>
/// ProposeChange and Vote. A proposal counts its proposer's approval, passes as soon as approvals
/// from active admins reach the threshold (fixed, or a majority of active admins), and is then
/// executed by the transaction that reached it. Votes are accepted up to and including
/// last_voting_height = proposal height + proposal_expiry_blocks; later votes are rejected as
/// expired. A proposal that can no longer reach the threshold closes as rejected. If executing a
/// passed change is no longer possible (e.g. the member was removed meanwhile), the vote that
/// would have executed it is rejected and the proposal stays open until it expires.
/// </summary>
internal static class GovernanceTransactions
{
    public static TransactionOutcome Propose(TransactionContext context, ProposeChange body)
    {
        // Dry run against a throwaway layer: a change that could not execute now is refused up front.
        var probe = new TransactionContext
        {
            Block = context.Block,
            Position = context.Position,
            TxHash = context.TxHash,
            State = new WriteBuffer(context.State),
            Options = context.Options,
            Signer = context.Signer,
            SignerKey = context.SignerKey,
            Effects = [],
        };
        ChangeExecution.Execute(probe, body);

        var governance = context.Governance;
        var proposal = new ProposalRecord
        {
            ProposalId = ByteString.CopyFrom(context.TxHash),
            Change = body.Clone(),
            ProposerMemberId = context.SignerId,
            ProposedAt = context.Here,
            LastVotingHeight = context.Block.Height + governance.ProposalExpiryBlocks,
            Status = ProposalStatus.Open,
        };
        proposal.Approvals.Add(context.SignerId);
        var verdict = Evaluate(context, proposal);
        return TransactionOutcome.Ok($"proposal {Convert.ToHexString(context.TxHash)} {verdict}");
    }

    public static TransactionOutcome Vote(TransactionContext context, Vote body)
    {
        var proposal = context.State.Get(StateKeys.Proposal(body.ProposalId.Span), ProposalRecord.Parser)
            ?? throw Check.Fail(RejectionReason.ProposalNotFound, $"proposal {Convert.ToHexString(body.ProposalId.Span)} does not exist");
        if (proposal.Status != ProposalStatus.Open)
        {
            throw Check.Fail(RejectionReason.ProposalClosed, $"proposal is {proposal.Status}");
        }

        if (context.Block.Height > proposal.LastVotingHeight)
        {
            throw Check.Fail(RejectionReason.ProposalExpired, $"voting closed after height {proposal.LastVotingHeight}");
        }

        if (SortedIds.Contains(proposal.Approvals, context.SignerId) || SortedIds.Contains(proposal.Rejections, context.SignerId))
        {
            throw Check.Fail(RejectionReason.AlreadyVoted, $"{OutsideValue.Quote(context.SignerId)} already voted on this proposal");
        }

        SortedIds.Add(body.Approve ? proposal.Approvals : proposal.Rejections, context.SignerId);
        var verdict = Evaluate(context, proposal);
        return TransactionOutcome.Ok($"vote counted; proposal {verdict}");
    }

    private static string Evaluate(TransactionContext context, ProposalRecord proposal)
    {
        var governance = context.Governance;
        var admins = governance.AdminMemberIds;
        var approvals = CountAdmins(proposal.Approvals, governance);
        var rejections = CountAdmins(proposal.Rejections, governance);
        var threshold = ConsortiumGenesis.EffectiveThreshold(governance.ApprovalThreshold, admins.Count);
        string verdict;
        if (approvals >= threshold)
        {
            ChangeExecution.Execute(context, proposal.Change);
            proposal.Status = ProposalStatus.Executed;
            proposal.ClosedAt = context.Here;
            verdict = $"executed with {approvals} of {threshold} approvals";
        }
        else if (admins.Count - rejections < threshold)
        {
            proposal.Status = ProposalStatus.Rejected;
            proposal.ClosedAt = context.Here;
            verdict = $"rejected: {rejections} of {admins.Count} admins against, threshold {threshold}";
        }
        else
        {
            verdict = $"open with {approvals} of {threshold} approvals";
        }

        context.State.Put(StateKeys.Proposal(proposal.ProposalId.Span), proposal);
        return verdict;
    }

    private static int CountAdmins(IEnumerable<string> voters, GovernanceRecord governance)
    {
        var count = 0;
        foreach (var voter in voters)
        {
            count += SortedIds.Contains(governance.AdminMemberIds, voter) ? 1 : 0;
        }

        return count;
    }
}
