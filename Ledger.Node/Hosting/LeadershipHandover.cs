using Ledger.Consensus;

namespace Ledger.Node.Hosting;

/// <summary>
/// A leader being stopped hands leadership over first (Raft §3.10, etcd's MsgTimeoutNow): it picks the most
/// caught-up active voter, asks Raft to transfer (which stops new proposals, brings the target's log up to
/// date and tells it to campaign at once), and waits until it is no longer the leader. Clients then see one
/// quick leader change instead of an election timeout without a leader. Runs in the host's
/// <c>StoppingAsync</c>, before the listeners close; bounded by <see cref="NodeOptions.StopLeadershipTransferMilliseconds"/>
/// and by the election timeout (after which Raft abandons a transfer anyway).
/// </summary>
public sealed class LeadershipHandover(LedgerNode node, TimeSpan waitMax, TimeSpan pollInterval, TimeProvider timeProvider, ILogger<LeadershipHandover> logger) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource peerStreamsStopping = new();

    /// <summary>
    /// Cancelled once the hand-over is done (or was not needed): ends the incoming peer streams. Not the host's
    /// ApplicationStopping, which fires first: a leader that stopped reading its peers would not hear the
    /// acknowledgements that let the target catch up, nor the new leader's term that ends its own leadership.
    /// </summary>
    public CancellationToken PeerStreamsStopping => peerStreamsStopping.Token;

    /// <summary>Hands leadership over if this node leads; returns the Raft id of the new leader, or 0 when nothing was handed over.</summary>
    public async Task<ulong> HandOverAsync(CancellationToken cancellationToken)
    {
        if (waitMax <= TimeSpan.Zero || !node.IsLeader || node.Damage.Current is not null)
        {
            return 0;
        }

        RaftStatus status;
        try
        {
            status = await node.Driver.InspectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            return 0;
        }

        if (status.SoftState.Role != RaftRole.Leader || status.ConfState.Voters.Length < 2)
        {
            // A lone voter has nobody to hand over to, and nobody waits for it.
            return 0;
        }

        // A leader elected a moment ago may not have heard from any follower yet (none is "recently active"):
        // then there is no target at first, and the loop looks again at every poll until one answers.
        var tried = new HashSet<ulong>();
        var target = PickTarget(status, tried);
        var started = timeProvider.GetTimestamp();
        if (target != 0)
        {
            node.Driver.TryTransferLeadership(target);
            HandoverLog.Transferring(logger, target, (long)waitMax.TotalMilliseconds);
        }

        var polls = 0;
        while (timeProvider.GetElapsedTime(started) < waitMax)
        {
            if (node.RaftStatus.Role != RaftRole.Leader)
            {
                HandoverLog.Transferred(logger, node.RaftStatus.Leader, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
                return node.RaftStatus.Leader is var leader and not 0 ? leader : target;
            }

            if (target == 0 || ++polls % RetryPolls == 0)
            {
                // The target did not take over: it may have stopped a moment ago (Raft still counts it recently
                // active for an election timeout), or the one TimeoutNow Raft sends was dropped by a peer stream
                // that was reconnecting. Abort the transfer (a transfer to oneself) and try the next voter.
                if (target != 0)
                {
                    node.Driver.TryTransferLeadership(node.RaftId);
                }

                if (await RetargetAsync(tried, cancellationToken).ConfigureAwait(false) is { } retarget)
                {
                    if (target == 0)
                    {
                        HandoverLog.Transferring(logger, retarget, (long)waitMax.TotalMilliseconds);
                    }

                    target = retarget;
                    node.Driver.TryTransferLeadership(target);
                }
            }

            try
            {
                await Task.Delay(pollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown deadline came first.
                break;
            }
        }

        if (target == 0)
        {
            HandoverLog.NoSuccessor(logger);
        }
        else
        {
            HandoverLog.NotTransferred(logger, target, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds, cancellationToken.IsCancellationRequested);
        }

        return 0;
    }

    /// <summary>Polls between two attempts of the same hand-over (a poll is a Raft tick).</summary>
    private const int RetryPolls = 10;

    private async Task<ulong?> RetargetAsync(HashSet<ulong> tried, CancellationToken cancellationToken)
    {
        try
        {
            var status = await node.Driver.InspectAsync(cancellationToken).ConfigureAwait(false);
            if (status.SoftState.Role != RaftRole.Leader)
            {
                return null;
            }

            if (PickTarget(status, tried) is var target and not 0)
            {
                return target;
            }

            // Every voter was tried once: start over with the best of them.
            tried.Clear();
            return PickTarget(status, tried) is var again and not 0 ? again : null;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The next voter to try: among those not tried yet, one this node's peer stream reaches now if there is one; remembered in <paramref name="tried"/>.</summary>
    private ulong PickTarget(RaftStatus status, HashSet<ulong> tried)
    {
        var stats = node.Peers.Stats();
        var skip = new HashSet<ulong>(tried);
        foreach (var progress in status.Progress)
        {
            if (!stats.TryGetValue(progress.Id, out var peer) || !peer.Connected)
            {
                skip.Add(progress.Id);
            }
        }

        var target = MostCaughtUpVoter(status, skip);
        if (target == 0)
        {
            target = MostCaughtUpVoter(status, tried);
        }

        if (target != 0)
        {
            tried.Add(target);
        }

        return target;
    }

    /// <summary>The voter (not this node, not a learner, heard from recently, not recovering, not in <paramref name="skip"/>) with the longest log; 0 when there is none.</summary>
    public static ulong MostCaughtUpVoter(RaftStatus status, IReadOnlySet<ulong>? skip = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ulong best = 0;
        ulong bestMatch = 0;
        foreach (var progress in status.Progress)
        {
            if (progress.Id == status.Id || progress.IsLearner || !progress.RecentActive || progress.Recovering || !status.ConfState.IsVoter(progress.Id)
                || (skip is not null && skip.Contains(progress.Id)))
            {
                continue;
            }

            if (best == 0 || progress.Match > bestMatch)
            {
                best = progress.Id;
                bestMatch = progress.Match;
            }
        }

        return best;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await HandOverAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await peerStreamsStopping.CancelAsync().ConfigureAwait(false);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => peerStreamsStopping.CancelAsync();

    public void Dispose() => peerStreamsStopping.Dispose();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Leadership hand-over at stop (event ids 6711-6714).</summary>
internal static partial class HandoverLog
{
    [LoggerMessage(EventId = 6711, Level = LogLevel.Information, Message = "Stopping as leader: handing leadership to raft node {Target} (waiting at most {WaitMilliseconds} ms)")]
    public static partial void Transferring(ILogger logger, ulong target, long waitMilliseconds);

    [LoggerMessage(EventId = 6712, Level = LogLevel.Information, Message = "Leadership handed over to raft node {Leader} in {ElapsedMilliseconds} ms; stopping")]
    public static partial void Transferred(ILogger logger, ulong leader, long elapsedMilliseconds);

    [LoggerMessage(EventId = 6713, Level = LogLevel.Warning, Message = "Leadership was not handed to raft node {Target} after {ElapsedMilliseconds} ms (shutdown deadline reached: {DeadlineReached}); stopping anyway (the others elect a leader after an election timeout)")]
    public static partial void NotTransferred(ILogger logger, ulong target, long elapsedMilliseconds, bool deadlineReached);

    [LoggerMessage(EventId = 6714, Level = LogLevel.Information, Message = "Stopping as leader with no reachable, caught-up voter to hand leadership to")]
    public static partial void NoSuccessor(ILogger logger);
}
