using Ledger.Consensus;
using Ledger.Node.Consensus;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// A leader below its disk reserve hands leadership to another voter (Raft's leadership transfer,
/// dissertation §3.10): it refuses every write, and as long as it leads the whole cluster would refuse
/// with it although the other voters may have space. Asked after every timer sample of the
/// <see cref="DiskSpaceGuard"/>; tries the voters in turn, at most once per <see cref="RetryInterval"/>,
/// so a cluster whose disks are all full does not churn through elections (each new leader below its own
/// reserve hands over again, once per interval). A lone voter keeps leading and refusing.
/// </summary>
public sealed partial class LeaderStepAside(DiskSpaceGuard diskSpace, RaftDriver driver, Func<ConfState> membership, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>Shortest time between two handovers asked by this node.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private long lastAttempt = long.MinValue;
    private int nextCandidate;

    /// <summary>How many handovers this node asked for.</summary>
    public int Attempts { get; private set; }

    public void OnSampled()
    {
        if (!diskSpace.AlarmOn)
        {
            return;
        }

        var status = driver.Status;
        if (status.Role != RaftRole.Leader)
        {
            return;
        }

        lock (gate)
        {
            var now = timeProvider.GetTimestamp();
            if (lastAttempt != long.MinValue && timeProvider.GetElapsedTime(lastAttempt, now) < RetryInterval)
            {
                return;
            }

            var voters = membership().Voters;
            var candidates = new List<ulong>(voters.Length);
            foreach (var voter in voters)
            {
                if (voter != status.Id)
                {
                    candidates.Add(voter);
                }
            }

            if (candidates.Count == 0)
            {
                return;
            }

            var target = candidates[nextCandidate++ % candidates.Count];
            lastAttempt = now;
            if (driver.TryTransferLeadership(target))
            {
                Attempts++;
                LogHandingOver(logger, target, diskSpace.FreeBytes, diskSpace.ReserveBytes);
            }
        }
    }

    [LoggerMessage(EventId = 9321, Level = LogLevel.Warning, Message = "Below the disk reserve ({FreeBytes} bytes free, reserve {ReserveBytes}) while leading: handing leadership to raft node {Target}, so the cluster can take writes")]
    private static partial void LogHandingOver(ILogger logger, ulong target, long freeBytes, long reserveBytes);
}
