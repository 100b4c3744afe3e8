using Ledger.Consensus;

namespace Ledger.Node.Peers;

/// <summary>
/// A check on each entry of an append (<c>App</c>) from the leader, run by
/// <see cref="PeerMessageValidator"/> after the structural checks and before the entries reach Raft,
/// so before this follower persists or acknowledges them. A refused entry drops the whole message
/// (counted as <see cref="PeerFrameRefusal.EntryRefused"/>); the leader retries and a quorum of
/// followers refusing keeps the entry from committing. This is where a follower's own judgement of
/// an entry plugs in (for example the block timestamp against its clock).
/// </summary>
public interface IAppendEntryCheck
{
    /// <summary>Null to accept <paramref name="entry"/>; else a short, bounded reason (logged, never echoed input).</summary>
    string? Check(Entry entry);
}
