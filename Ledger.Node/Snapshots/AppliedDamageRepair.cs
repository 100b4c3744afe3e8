using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Raft;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Snapshots;

/// <summary>
/// At start, before the Raft log opens: damage a previous run found in log entries this node had
/// already applied is repaired by compacting the log past it
/// (<see cref="RocksDbRaftLogStorage.CompactPastAppliedDamage"/>); followers that need those entries
/// get a state snapshot. Any other recorded damage is left for the open to refuse with its message.
/// </summary>
public static partial class AppliedDamageRepair
{
    public static void Run(LedgerDatabase database, BlockStore blocks, string chainId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var applied = blocks.AppliedRaftIndex;
        var tip = blocks.Tip;
        var repaired = RocksDbRaftLogStorage.CompactPastAppliedDamage(database, applied, (index, term, membership) => LogCompactor.Descriptor(chainId, tip, index, term, membership));
        if (repaired is { } damagedIndex)
        {
            LogRepaired(logger, damagedIndex, applied);
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Raft log entry {DamagedIndex} was found damaged on local disk; it was already applied, so the log was compacted up to the applied index {AppliedIndex} (followers further behind get a state snapshot)")]
    private static partial void LogRepaired(ILogger logger, ulong damagedIndex, ulong appliedIndex);
}
