using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>Sends Raft messages to peers. Never blocks: a message that cannot be queued is dropped and reported.</summary>
public interface IRaftTransport
{
    /// <summary>False when the message was dropped (queue full, unknown peer); the driver then reports the peer unreachable.</summary>
    bool Send(Message message);
}
