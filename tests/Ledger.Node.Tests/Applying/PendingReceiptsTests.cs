using Grpc.Core;
using Ledger.Node.Applying;
using Ledger.Node.Consensus;

namespace Ledger.Node.Tests.Applying;

/// <summary>
/// On a leadership change, submissions that never reached the log are answered at once; those whose
/// entry was appended wait until that index is applied, and fail only if it was overwritten.
/// </summary>
public sealed class PendingReceiptsTests
{
    private static readonly RpcException LeaderChanged = new(new Status(StatusCode.Unavailable, "leader changed"));

    [Test]
    public void FailUnappended_WaiterStillWaitingForABatch_FailsAtOnceWithUnavailable()
    {
        var receipts = new PendingReceipts(16);
        receipts.TryRegister(Hash(1), out var waiter);

        var failed = receipts.FailUnappended(LeaderChanged);

        Assert.That(failed, Is.EqualTo(1));
        Assert.That(waiter.Task.IsFaulted, Is.True);
        Assert.That(((RpcException)waiter.Task.Exception!.InnerException!).StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(receipts.Count, Is.Zero);
    }

    [Test]
    public void FailUnappended_WaiterInABatchNotYetAppended_FailsAtOnce()
    {
        var receipts = new PendingReceipts(16);
        receipts.TryRegister(Hash(1), out var waiter);
        waiter.Ticket = new ProposalTicket();

        receipts.FailUnappended(LeaderChanged);

        Assert.That(waiter.IsPending, Is.False);
    }

    [Test]
    public void FailUnappended_WaiterWhoseEntryWasAppended_KeepsWaiting_BecauseTheEntryMayStillCommit()
    {
        var receipts = new PendingReceipts(16);
        receipts.TryRegister(Hash(1), out var waiter);
        var ticket = Appended(receipts, index: 10, term: 3, waiter);

        var failed = receipts.FailUnappended(LeaderChanged);
        receipts.OnEntryApplied(10, ticket.Term);

        Assert.That(failed, Is.Zero);
        Assert.That(waiter.IsPending, Is.True, "the entry committed as ours: the receipt comes from the block, not a failure");
        Assert.That(receipts.TrackedBatches, Is.Zero);
    }

    [Test]
    public void OnEntryApplied_OtherTermAtTheAppendedIndex_FailsTheWaiter_TheEntryWasOverwritten()
    {
        var receipts = new PendingReceipts(16);
        receipts.TryRegister(Hash(1), out var waiter);
        receipts.TryRegister(Hash(2), out var later);
        Appended(receipts, index: 10, term: 3, waiter);
        Appended(receipts, index: 11, term: 3, later);
        receipts.FailUnappended(LeaderChanged);

        receipts.OnEntryApplied(10, 4);

        Assert.That(waiter.Task.IsFaulted, Is.True);
        Assert.That(((RpcException)waiter.Task.Exception!.InnerException!).StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(later.IsPending, Is.True, "index 11 is not decided yet");
    }

    [Test]
    public void OnEntryApplied_WaiterRebatchedSinceTheOverwrittenEntry_IsNotFailedByIt()
    {
        var receipts = new PendingReceipts(16);
        receipts.TryRegister(Hash(1), out var waiter);
        Appended(receipts, index: 10, term: 3, waiter);
        Appended(receipts, index: 12, term: 5, waiter);

        receipts.OnEntryApplied(10, 4);

        Assert.That(waiter.IsPending, Is.True);
    }

    [Test]
    public void TryRegister_SameTransactionTwice_SharesOneWaiter_AndRefusesBeyondCapacity()
    {
        var receipts = new PendingReceipts(1);

        var first = receipts.TryRegister(Hash(1), out var a);
        var again = receipts.TryRegister(Hash(1), out var b);
        var other = receipts.TryRegister(Hash(2), out _);

        Assert.That(first && again, Is.True);
        Assert.That(b, Is.SameAs(a));
        Assert.That(other, Is.False);
    }

    private static ProposalTicket Appended(PendingReceipts receipts, ulong index, ulong term, params ReceiptWaiter[] waiters)
    {
        var ticket = new ProposalTicket(t => receipts.TrackAppended(t, waiters));
        foreach (var waiter in waiters)
        {
            waiter.Ticket = ticket;
        }

        ticket.MarkAppended(index, term);
        return ticket;
    }

    private static byte[] Hash(byte seed)
    {
        var hash = new byte[32];
        hash[0] = seed;
        return hash;
    }
}
