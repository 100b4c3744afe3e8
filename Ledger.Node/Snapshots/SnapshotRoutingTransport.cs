using Ledger.Consensus;
using Ledger.Node.Consensus;

namespace Ledger.Node.Snapshots;

/// <summary>
/// Sends Raft's messages through <paramref name="inner"/>, except snapshot messages: those become a
/// state transfer by <paramref name="snapshots"/> (their payload is only the local descriptor; the state
/// itself is exported and streamed separately, and Raft hears the outcome through ReportSnapshot).
/// </summary>
public sealed class SnapshotRoutingTransport(IRaftTransport inner, SnapshotSender snapshots) : IRaftTransport
{
    public bool Send(Message message)
    {
        if (message.Type == MessageType.Snap)
        {
            snapshots.Request(message.To, message.Term);
            return true;
        }

        return inner.Send(message);
    }
}
