using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Consensus;
using Ledger.Storage.Blocks;
using Ledger.Storage.Raft;

namespace Ledger.Node.Snapshots;

/// <summary>
/// Keeps the Raft log bounded by entries and by bytes: every
/// <see cref="LogCompactionOptions.CompactionIntervalEntries"/> applied entries, or as soon as the
/// applied entries still in the log exceed <see cref="LogCompactionOptions.CompactionRetainBytes"/>
/// by <see cref="LogCompactionOptions.CompactionSlackBytes"/>, it records a snapshot descriptor at
/// the applied index (what Raft offers a follower that needs compacted entries; the state itself is
/// exported only when one is actually sent) and deletes the log up to the higher of
/// <c>applied − CompactionRetainEntries</c> and the last index whose removal leaves at most
/// <c>CompactionRetainBytes</c> of applied entries. As in etcd, a lagging follower does not hold the
/// log back: one behind the compacted point is sent a snapshot. Runs on the drive loop thread, the
/// only writer of the Raft log.
/// </summary>
public sealed class LogCompactor(RocksDbRaftLogStorage raftLog, BlockStore blocks, string chainId, LogCompactionOptions options) : IAppliedIndexListener
{
    public void OnApplied(ulong appliedIndex)
    {
        var snapshotIndex = raftLog.Snapshot().Metadata.Index;
        if (appliedIndex <= snapshotIndex)
        {
            return;
        }

        var dueByEntries = appliedIndex >= snapshotIndex + (ulong)options.CompactionIntervalEntries;
        var dueByBytes = raftLog.WrittenBytesBetween(raftLog.FirstIndex(), appliedIndex) > options.CompactionRetainBytes + options.CompactionSlackBytes;
        if (!dueByEntries && !dueByBytes)
        {
            return;
        }

        if (appliedIndex > raftLog.LastIndex())
        {
            // Applied entries are always stored first; anything else is a broken invariant.
            throw new InvalidOperationException($"applied index {appliedIndex} is beyond the last stored raft entry {raftLog.LastIndex()}");
        }

        raftLog.CreateSnapshot(appliedIndex, raftLog.ConfState, Descriptor(appliedIndex));
        var retain = (ulong)options.CompactionRetainEntries;
        var compactTo = appliedIndex > retain ? appliedIndex - retain : 0;
        var firstWithinBytes = raftLog.FirstIndexWithinBytes(appliedIndex, options.CompactionRetainBytes);
        if (firstWithinBytes > 0)
        {
            compactTo = Math.Max(compactTo, firstWithinBytes - 1);
        }

        if (compactTo >= raftLog.FirstIndex())
        {
            raftLog.Compact(compactTo);
        }
    }

    private byte[] Descriptor(ulong appliedIndex) => Descriptor(chainId, blocks.Tip, appliedIndex, raftLog.Term(appliedIndex), raftLog.ConfState);

    /// <summary>A manifest without files: names the chain and tip, carries no state (<see cref="Storage.Snapshots.SnapshotManifests.CarriesState"/> is false).</summary>
    public static byte[] Descriptor(string chainId, ChainTip tip, ulong appliedIndex, ulong term, ConfState membership)
    {
        ArgumentNullException.ThrowIfNull(tip);
        ArgumentNullException.ThrowIfNull(membership);
        var descriptor = new SnapshotManifest
        {
            ChainId = chainId,
            Meta = new RaftSnapshotMeta { Index = appliedIndex, Term = term },
            Height = tip.Height,
            LastBlockHash = ByteString.CopyFrom(tip.BlockHash),
        };
        descriptor.Meta.Voters.Add(membership.Voters);
        descriptor.Meta.Learners.Add(membership.Learners);
        return descriptor.ToByteArray();
    }
}
