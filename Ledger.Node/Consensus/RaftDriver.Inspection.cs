using Ledger.Consensus;

namespace Ledger.Node.Consensus;

public sealed partial class RaftDriver
{
    /// <summary>
    /// The Raft node's full status (membership, and on a leader each peer's progress), taken on the
    /// loop thread. Not for hot paths: it copies the progress of every peer.
    /// </summary>
    public Task<RaftStatus> InspectAsync(CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<RaftStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(DriverInput.ForInspect(completion)))
        {
            return Task.FromException<RaftStatus>(new DriverBusyException("the consensus input queue is full"));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }
}
