using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Client;

/// <summary>
/// Patience of one call with "no leader is known" answers (Unavailable carrying
/// <see cref="LeaderHint.NoLeaderTrailerKey"/>). Such a node is up and an election is under way (or the
/// node is cut off and another endpoint may know the leader): the answer is expected to go away by
/// itself, so for <see cref="LedgerClientOptions.LeaderWaitMax"/> from the first one it is retried with
/// backoff without spending the call's failover attempts, which are for nodes that do not answer.
/// After that it counts like any other failure, so a cluster without a quorum still ends the call.
/// </summary>
internal sealed class NoLeaderWait(TimeSpan waitMax, TimeProvider timeProvider)
{
    private long? firstTimestamp;

    /// <summary>Whether the answer says no leader is known (the node's marker on Unavailable).</summary>
    public static bool IsNoLeader(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode == StatusCode.Unavailable && exception.Trailers?.Get(LeaderHint.NoLeaderTrailerKey) is not null;
    }

    /// <summary>True when <paramref name="exception"/> is a no-leader answer and the wait has not yet run out.</summary>
    public bool KeepsWaiting(RpcException exception)
    {
        if (!IsNoLeader(exception))
        {
            return false;
        }

        firstTimestamp ??= timeProvider.GetTimestamp();
        return timeProvider.GetElapsedTime(firstTimestamp.Value) < waitMax;
    }
}
