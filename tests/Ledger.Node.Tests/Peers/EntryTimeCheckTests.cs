using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Node.Applying;
using Ledger.Node.Peers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Peers;

/// <summary>
/// A follower acknowledges the leader's entries only when their stamps are plausible by its own clock
/// (not further ahead than the genesis bound) and the entries of the leader's term name the leader:
/// a forward-dated stamp must never commit, or the strictly increasing block time would drag every
/// later block's time with it.
/// </summary>
public sealed class EntryTimeCheckTests
{
    private const uint SkewMilliseconds = 2_000;
    private static readonly ulong Leader = RaftNodeIds.Of("node-1");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(Now);

    [Test]
    public void Admits_EntryStampedWithinTheBound_Delivered()
    {
        var check = NewCheck();

        var admitted = check.Admits(App(term: 5, Stamped(term: 5, index: 10, Now.AddMilliseconds(SkewMilliseconds), "node-1")));

        Assert.That(admitted, Is.True);
        Assert.That(check.LastRefusal, Is.Null);
    }

    [Test]
    public void Admits_EntryStampedAYearAhead_DroppedUnacknowledgedWithTheReason()
    {
        var check = NewCheck();

        var admitted = check.Admits(App(term: 5, Stamped(term: 5, index: 10, Now.AddDays(365), "node-1")));

        Assert.That(admitted, Is.False);
        Assert.That(check.LastRefusal, Does.Contain("ahead of this node's clock (bound ±2 s)"));
    }

    [Test]
    public void Admits_AfterARefusal_TheLeadersHeartbeatsOfThatTermAreDroppedToo_ANewTermIsHeard()
    {
        var check = NewCheck();
        check.Admits(App(term: 5, Stamped(term: 5, index: 10, Now.AddMilliseconds(SkewMilliseconds + 1), "node-1")));

        var heartbeatSameTerm = check.Admits(new Message { Type = MessageType.Heartbeat, From = Leader, To = 2, Term = 5 });
        var heartbeatNextTerm = check.Admits(new Message { Type = MessageType.Heartbeat, From = Leader, To = 2, Term = 6 });

        Assert.That(heartbeatSameTerm, Is.False, "a leader refused this term is not followed, so the followers elect another");
        Assert.That(heartbeatNextTerm, Is.True);
    }

    [Test]
    public void Admits_EntryOfTheLeadersTermNamingAnotherProposer_Dropped()
    {
        var check = NewCheck();

        var admitted = check.Admits(App(term: 5, Stamped(term: 5, index: 10, Now, "node-2")));

        Assert.That(admitted, Is.False);
        Assert.That(check.LastRefusal, Does.Contain("names a proposer other than the term's leader"));
    }

    [Test]
    public void Admits_EntryOfAnEarlierTermByAnotherLeaderStampedLongAgo_Delivered()
    {
        // A new leader re-sends what an earlier leader appended, and a follower catching up receives old
        // entries: stamps in the past are judged by attestation, never here.
        var check = NewCheck();

        var admitted = check.Admits(App(term: 7, Stamped(term: 5, index: 10, Now.AddDays(-30), "node-2")));

        Assert.That(admitted, Is.True);
    }

    [Test]
    public void Admits_NoOpAndMessagesOtherThanAppends_Delivered()
    {
        var check = NewCheck();

        var noOp = check.Admits(App(term: 5, new Entry(5, 10, EntryType.Normal, ReadOnlyMemory<byte>.Empty)));
        var vote = check.Admits(new Message { Type = MessageType.Vote, From = Leader, To = 2, Term = 5 });

        Assert.That(noOp, Is.True);
        Assert.That(vote, Is.True);
    }

    private EntryTimeCheck NewCheck() => new(clock, SkewMilliseconds, refusals: null, NullLogger.Instance);

    private static Message App(ulong term, params Entry[] entries) =>
        new() { Type = MessageType.App, From = Leader, To = 2, Term = term, Index = entries[0].Index - 1, LogTerm = term, Entries = entries };

    private static Entry Stamped(ulong term, ulong index, DateTimeOffset stamp, string proposer) =>
        new(term, index, EntryType.Normal, EntryBatchCodec.Encode(stamp.ToUnixTimeMilliseconds(), proposer, [[0x0A, 1, 1, 0x12, 1, 2]]));
}
