using Microsoft.Extensions.Logging;

namespace Ledger.Node.Peers;

/// <summary>
/// What the log says about one peer link going down and coming back. A partition makes the
/// <see cref="PeerSender"/> redial every couple of seconds for as long as it lasts; one warning per
/// attempt would bury everything else. So: the first failure of an outage is a warning (event 2001),
/// then at most one summary per <see cref="SummaryIntervalSeconds"/> with the count of failed attempts
/// since the last line (event 2002), and one line when the link carries frames again (event 2003).
/// Time comes from the node's <see cref="TimeProvider"/>; not thread-safe (the sender's loop is its only caller).
/// </summary>
public sealed partial class PeerSenderOutageLog(string remoteNodeId, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>Least time between two summaries of one ongoing outage.</summary>
    public const int SummaryIntervalSeconds = 30;

    private long? outageStartedTimestamp;
    private long lastLineTimestamp;
    private int failuresSinceLastLine;
    private int failuresInOutage;

    /// <summary>Whether the link is in an outage (a failure since the last frame went through).</summary>
    public bool InOutage => outageStartedTimestamp is not null;

    /// <summary>An attempt to (re)open or use the stream failed with <paramref name="reason"/>.</summary>
    public void Failed(string reason)
    {
        var now = timeProvider.GetTimestamp();
        failuresInOutage++;
        if (outageStartedTimestamp is null)
        {
            outageStartedTimestamp = now;
            lastLineTimestamp = now;
            failuresSinceLastLine = 0;
            LogStreamFailed(logger, remoteNodeId, reason, SummaryIntervalSeconds);
            return;
        }

        failuresSinceLastLine++;
        if (timeProvider.GetElapsedTime(lastLineTimestamp, now) >= TimeSpan.FromSeconds(SummaryIntervalSeconds))
        {
            LogStillDown(logger, remoteNodeId, (long)timeProvider.GetElapsedTime(outageStartedTimestamp.Value, now).TotalSeconds, failuresSinceLastLine,
                (long)timeProvider.GetElapsedTime(lastLineTimestamp, now).TotalSeconds, reason);
            lastLineTimestamp = now;
            failuresSinceLastLine = 0;
        }
    }

    /// <summary>A frame went through: ends an outage, if there was one.</summary>
    public void Delivered()
    {
        if (outageStartedTimestamp is not { } started)
        {
            return;
        }

        LogRestored(logger, remoteNodeId, (long)timeProvider.GetElapsedTime(started).TotalSeconds, failuresInOutage);
        outageStartedTimestamp = null;
        failuresInOutage = 0;
        failuresSinceLastLine = 0;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Peer stream to {RemoteNodeId} failed: {Reason}; reconnecting (further failures are summarised every {SummaryIntervalSeconds} s until it is back)")]
    private static partial void LogStreamFailed(ILogger logger, string remoteNodeId, string reason, int summaryIntervalSeconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Peer stream to {RemoteNodeId} still down after {OutageSeconds} s: {Failures} failed reconnects in the last {WindowSeconds} s; last: {Reason}")]
    private static partial void LogStillDown(ILogger logger, string remoteNodeId, long outageSeconds, int failures, long windowSeconds, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Peer stream to {RemoteNodeId} is back after {OutageSeconds} s and {Failures} failed attempts")]
    private static partial void LogRestored(ILogger logger, string remoteNodeId, long outageSeconds, int failures);
}
