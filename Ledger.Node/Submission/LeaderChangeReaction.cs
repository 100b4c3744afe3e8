using Ledger.Consensus;
using Ledger.Node.Applying;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Submission;

/// <summary>
/// When the leader changes, submissions that never reached the log are answered Unavailable (naming
/// the new leader) so their clients resubmit there; appended ones keep waiting (see <see cref="PendingReceipts"/>).
/// </summary>
internal sealed partial class LeaderChangeReaction(ulong raftId, PendingReceipts pendingReceipts, LeaderRedirect redirect, ILogger<LeaderChangeReaction> logger)
{
    private ulong knownLeader;

    public void OnSoftStateChanged(SoftState soft)
    {
        // Runs on the drive loop's thread, in order with appends: see PendingReceipts for why appended
        // submissions keep waiting and everything else is answered now.
        if (soft.Leader == knownLeader)
        {
            return;
        }

        var previous = knownLeader;
        knownLeader = soft.Leader;
        if (previous == 0 && pendingReceipts.Count == 0)
        {
            return;
        }

        var failed = pendingReceipts.FailUnappended(redirect.LeaderUnavailable(
            soft.Leader == raftId ? "leadership changed while the transaction waited for a batch; resubmit" : "the leader changed before the transaction reached its log; resubmit the same signed transaction",
            soft.Leader));
        if (failed > 0)
        {
            LogFailedOnLeaderChange(logger, failed, previous, soft.Leader);
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Leader changed from {Previous} to {Leader}: {Failed} submissions that had not reached the log were answered Unavailable")]
    private static partial void LogFailedOnLeaderChange(ILogger logger, int failed, ulong previous, ulong leader);
}
