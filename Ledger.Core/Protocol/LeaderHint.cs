namespace Ledger.Core.Protocol;

/// <summary>
/// How a node that cannot take a call tells the client where the leader is: on <c>Unavailable</c>, a
/// response trailer under <see cref="TrailerKey"/> naming the leader (its node id, or a URL). The node
/// writes it and the client reads it, so the key has this one home.
/// </summary>
public static class LeaderHint
{
    /// <summary>Response trailer naming the current leader on Unavailable.</summary>
    public const string TrailerKey = "ledger-leader";
}
