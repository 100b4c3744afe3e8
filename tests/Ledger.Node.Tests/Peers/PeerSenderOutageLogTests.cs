using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Peers;
using Ledger.Node.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Peers;

/// <summary>
/// A peer link that stays down (a partition) makes the sender redial every couple of seconds; the log
/// says so once, then summarises every <see cref="PeerSenderOutageLog.SummaryIntervalSeconds"/> with a
/// count, and says when the link is back — instead of one warning per attempt.
/// </summary>
public sealed class PeerSenderOutageLogTests
{
    private const int StreamFailed = 2001;
    private const int StillDown = 2002;
    private const int Restored = 2003;

    [Test]
    public void Failed_EveryTwoSecondsForOneMinuteAndFiveSeconds_OneWarningThenOneSummaryPerIntervalWithTheCount()
    {
        // Arrange
        var clock = new FakeTimeProvider();
        var logger = new EventLogRecorder();
        var outage = new PeerSenderOutageLog("node-2", clock, logger);

        // Act: 33 failed attempts, at 0, 2, ..., 64 s.
        for (var attempt = 0; attempt < 33; attempt++)
        {
            outage.Failed("Status(StatusCode=\"Unavailable\", Detail=\"Error connecting to subchannel.\")");
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        // Assert: the first failure at 0 s, summaries at 30 s and 60 s, each counting the 15 attempts since the line before.
        var entries = logger.Entries;
        Assert.That(entries.Select(e => e.EventId), Is.EqualTo(new[] { StreamFailed, StillDown, StillDown }));
        Assert.Multiple(() =>
        {
            Assert.That(entries[0].Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(entries[0].Message, Does.Contain("node-2").And.Contain("Error connecting to subchannel").And.Contain("every 30 s"));
            Assert.That(entries[1].Message, Does.Contain("still down after 30 s: 15 failed reconnects in the last 30 s"));
            Assert.That(entries[2].Message, Does.Contain("still down after 60 s: 15 failed reconnects in the last 30 s"));
        });
    }

    [Test]
    public void Delivered_AfterAnOutage_SaysTheLinkIsBackOnceWithItsLengthAndCount_ThenANewOutageWarnsAgain()
    {
        // Arrange: an outage of 12 s with 7 failed attempts.
        var clock = new FakeTimeProvider();
        var logger = new EventLogRecorder();
        var outage = new PeerSenderOutageLog("node-3", clock, logger);
        for (var attempt = 0; attempt < 7; attempt++)
        {
            outage.Failed("connection refused");
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        // Act
        outage.Delivered();
        outage.Delivered();
        outage.Failed("connection reset");

        // Assert
        var entries = logger.Entries;
        Assert.That(entries.Select(e => e.EventId), Is.EqualTo(new[] { StreamFailed, Restored, StreamFailed }));
        Assert.Multiple(() =>
        {
            Assert.That(entries[1].Level, Is.EqualTo(LogLevel.Information));
            Assert.That(entries[1].Message, Does.Contain("node-3 is back after 14 s and 7 failed attempts"));
            Assert.That(entries[2].Message, Does.Contain("connection reset"));
            Assert.That(outage.InOutage, Is.True);
        });
    }

    [Test]
    public void Delivered_WithoutAnOutage_LogsNothing()
    {
        var logger = new EventLogRecorder();
        var outage = new PeerSenderOutageLog("node-2", new FakeTimeProvider(), logger);

        outage.Delivered();

        Assert.That(logger.Entries, Is.Empty);
    }

    [Test]
    public async Task PeerSender_PeerPortClosed_RedialsWithBackoffButWarnsOnce()
    {
        // Arrange: a peer address nothing listens on; the clock counts the sender's backoff waits (one per failed attempt).
        var clock = new WaitCountingClock();
        var logger = new EventLogRecorder();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{TestConsortium.FreePort()}");
        await using var sender = new PeerSender("node-1", "node-2", channel, queueCapacity: 16, clock, logger);

        // Act: frames keep it dialling; wait for five failed attempts.
        sender.TrySend(new PeerFrame());
        await Eventually.WaitUntilAsync(() =>
        {
            sender.TrySend(new PeerFrame());
            return clock.Waits >= 5;
        });

        // Assert
        Assert.That(logger.Entries.Select(e => e.EventId), Is.EqualTo(new[] { StreamFailed }));
    }

    /// <summary>The system clock, counting the waits (timers) started on it.</summary>
    private sealed class WaitCountingClock : TimeProvider
    {
        private int waits;

        public int Waits => Volatile.Read(ref waits);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref waits);
            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}
