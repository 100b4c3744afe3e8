namespace Ledger.Core.Protocol;

/// <summary>
/// How a node that cannot take a call tells the client where the leader is: on <c>Unavailable</c>, a
/// response trailer under <see cref="TrailerKey"/> naming the leader (its node id, or a URL); or, when
/// it knows no leader at all (an election is under way, or it is cut off from the others), a trailer
/// under <see cref="NoLeaderTrailerKey"/>. The node writes them and the client reads them, so the keys
/// have this one home.
/// </summary>
public static class LeaderHint
{
    /// <summary>Response trailer naming the current leader on Unavailable.</summary>
    public const string TrailerKey = "ledger-leader";

    /// <summary>
    /// Response trailer on Unavailable meaning "this node knows no leader now": an election is under way
    /// or this node is cut off from the others. Unlike a node that is down, it is worth retrying with
    /// backoff (an election usually ends within an election timeout), at this node or another. It says
    /// nothing about whether an earlier forwarded attempt reached a log: resubmit the same signed
    /// transaction (the ledger de-duplicates it). Its value is <see cref="NoLeaderTrailerValue"/>.
    /// </summary>
    public const string NoLeaderTrailerKey = "ledger-no-leader";

    /// <summary>The value sent under <see cref="NoLeaderTrailerKey"/>; clients test the key's presence, not the value.</summary>
    public const string NoLeaderTrailerValue = "1";
}
