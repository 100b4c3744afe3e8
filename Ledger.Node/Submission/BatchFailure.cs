using Grpc.Core;
using Ledger.Node.Applying;
using Ledger.Node.Batching;

namespace Ledger.Node.Submission;

/// <summary>
/// A batch that could be neither proposed nor forwarded: every submitter waiting on one of its
/// transactions is answered with the same error (Unavailable ones name the leader to retry at).
/// </summary>
internal sealed class BatchFailure(PendingReceipts pendingReceipts, LeaderRedirect redirect)
{
    public void FailBatch(IReadOnlyList<PendingTransaction> batch, StatusCode code, string reason, ulong leader)
    {
        var error = code == StatusCode.Unavailable ? redirect.LeaderUnavailable(reason, leader) : new RpcException(new Status(code, reason));
        foreach (var pending in batch)
        {
            if (pending.Waiter is { } waiter)
            {
                pendingReceipts.Fail(waiter, error);
            }
            else
            {
                pendingReceipts.Fail(pending.TransactionHash, error);
            }
        }
    }
}
