using Ledger.Consensus;
using Ledger.Node.Metrics;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Peers;

/// <summary>
/// The drive loop's gate for peers' Raft messages: <see cref="PeerMessageValidator"/> with this node's
/// bounds and entry checks, and the bookkeeping of what it drops (a metric by reason, and a warning
/// at most once per peer per <see cref="LogIntervalPerPeer"/>, so a peer flooding bad frames cannot
/// flood the log). Checks run on the drive loop thread; refusals may be recorded from any thread.
/// </summary>
public sealed partial class PeerBoundary
{
    /// <summary>At most one refusal warning per peer in this interval; the metric counts every one.</summary>
    public static readonly TimeSpan LogIntervalPerPeer = TimeSpan.FromMinutes(1);

    /// <summary>Peers whose last warning time is remembered; beyond it the memory is cleared (peers are admitted nodes, a handful).</summary>
    public const int PeersRememberedMax = 1024;

    private readonly NodeMetrics metrics;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly List<IAppendEntryCheck> entryChecks = [];
    private readonly Lock sync = new();
    private readonly Dictionary<ulong, long> lastWarningTimestamps = [];

    public PeerBoundary(PeerMessageBounds bounds, NodeMetrics metrics, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        Bounds = bounds;
        this.metrics = metrics;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public PeerMessageBounds Bounds { get; }

    /// <summary>Messages dropped so far (all reasons), for tests and the fuzzer.</summary>
    public long RefusedCount => Interlocked.Read(ref refusedCount);

    private long refusedCount;

    /// <summary>Adds a check every App entry must pass before this follower persists it. Call before the node starts.</summary>
    public void AddEntryCheck(IAppendEntryCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        entryChecks.Add(check);
    }

    public PeerFrameRefusal Check(Message message, in LocalRaftView view) =>
        PeerMessageValidator.Check(message, view, Bounds, entryChecks);

    /// <summary>Counts a dropped message from <paramref name="peer"/> and warns, at most once per peer per minute.</summary>
    public void Refused(ulong peer, PeerFrameRefusal reason, MessageType type, Exception? error = null)
    {
        Interlocked.Increment(ref refusedCount);
        metrics.PeerFramesRefused.WithLabels(PeerFrameRefusals.Label(reason)).Inc();
        if (!ShouldWarn(peer))
        {
            return;
        }

        if (reason == PeerFrameRefusal.StaleForRole)
        {
            // Honest peers send these around elections: not worth a warning.
            LogStale(logger, peer, type);
            return;
        }

        if (error is null)
        {
            LogRefused(logger, peer, type, PeerFrameRefusals.Label(reason));
        }
        else
        {
            LogStepFailed(logger, peer, type, error);
        }
    }

    private bool ShouldWarn(ulong peer)
    {
        var now = timeProvider.GetTimestamp();
        lock (sync)
        {
            if (lastWarningTimestamps.TryGetValue(peer, out var last) && timeProvider.GetElapsedTime(last, now) < LogIntervalPerPeer)
            {
                return false;
            }

            if (lastWarningTimestamps.Count >= PeersRememberedMax)
            {
                lastWarningTimestamps.Clear();
            }

            lastWarningTimestamps[peer] = now;
            return true;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Dropped a {Type} message from raft node {Peer} at the peer boundary: {Reason} (further refusals from this peer are counted in ledger_peer_frames_refused_total and logged at most once a minute)")]
    private static partial void LogRefused(ILogger logger, ulong peer, MessageType type, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Dropped a stale {Type} message from raft node {Peer} (this node's role no longer expects it)")]
    private static partial void LogStale(ILogger logger, ulong peer, MessageType type);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Raft refused a {Type} message from raft node {Peer} that passed the peer boundary; dropped, the node keeps running")]
    private static partial void LogStepFailed(ILogger logger, ulong peer, MessageType type, Exception error);
}
