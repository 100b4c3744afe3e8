using Ledger.Node.Consensus;

namespace Ledger.Node.Applying;

/// <summary>
/// One transaction awaited by one or more submitters (the same signed transaction submitted twice
/// shares the waiter). <see cref="Ticket"/> says which batch carries it and whether that batch
/// reached the log.
/// </summary>
public sealed class ReceiptWaiter
{
    private volatile ProposalTicket? ticket;

    internal ReceiptWaiter(byte[] transactionHash)
    {
        TransactionHash = transactionHash;
        Completion = new TaskCompletionSource<CommittedTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public byte[] TransactionHash { get; }

    public Task<CommittedTransaction> Task => Completion.Task;

    /// <summary>False once answered (receipt, failure or cancellation).</summary>
    public bool IsPending => !Completion.Task.IsCompleted;

    /// <summary>The batch proposal that carries this transaction, latest first; null while it waits for a batch.</summary>
    public ProposalTicket? Ticket
    {
        get => ticket;
        set => ticket = value;
    }

    internal TaskCompletionSource<CommittedTransaction> Completion { get; }
}
