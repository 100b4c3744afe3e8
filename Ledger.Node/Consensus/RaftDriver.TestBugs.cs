using Ledger.Consensus;
using Ledger.Node.TestFaults;

namespace Ledger.Node.Consensus;

/// <summary>TEST ONLY: the planted bug of the drive loop (see <see cref="TestBug.AckBeforeCommit"/>).</summary>
public sealed partial class RaftDriver
{
    // Highest index handed to the apply stage so far, committed or (with the bug) not; loop thread only.
    private ulong handedOverIndex;

    /// <summary>
    /// <c>ack-before-commit</c>: a leader hands the entries it just appended and wrote to the apply stage
    /// at once, as if its own write were a quorum, so their submitters get receipts before any follower
    /// has the entries. Only a contiguous run of normal entries right after what was handed over before
    /// (a conf change is left to its commit), so the apply stage still sees the log in order; when the
    /// entries do commit, the apply stage skips them as already applied. If they never commit (this leader
    /// was cut off, a later one overwrites them), this node has applied and answered what the cluster
    /// does not hold: its chain forks from everybody else's and the receipts it gave are lost.
    /// </summary>
    private void ApplyAppendedBeforeCommit(EntrySlice committed, EntrySlice appended)
    {
        if (committed.Count > 0)
        {
            handedOverIndex = Math.Max(handedOverIndex, committed[committed.Count - 1].Index);
        }

        handedOverIndex = Math.Max(handedOverIndex, applyStage.AppliedIndex);
        if (node.Role != RaftRole.Leader)
        {
            return;
        }

        foreach (var entry in appended)
        {
            if (entry.Index != handedOverIndex + 1 || entry.Type != EntryType.Normal)
            {
                return;
            }

            applyStage.Enqueue(ApplyWork.ForEntry(entry));
            handedOverIndex = entry.Index;
        }
    }
}
