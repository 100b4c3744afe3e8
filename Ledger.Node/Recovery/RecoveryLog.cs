namespace Ledger.Node.Recovery;

/// <summary>Local damage and self-repair events (event ids 62xx, in the 6xxx hosting range).</summary>
internal static partial class RecoveryLog
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Error, Message = "Local disk damage at start ({Part}, file {File}): {Description}. The damaged data directory was moved to {DamagedCopy}; starting on an empty one and resyncing from peers (recovering: no vote, no quorum until caught up)")]
    public static partial void Quarantined(ILogger logger, string part, string file, string description, string damagedCopy);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Critical, Message = "Local disk damage while running ({Part}, file {File}): {Description}. Recorded; this node stops serving and voting and exits with code {ExitCode} so its supervisor restarts it into the repair path")]
    public static partial void DamageWhileRunning(ILogger logger, string part, string file, string description, int exitCode);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Recovering ({Reason}): no vote, not counted toward commit, readiness NOT_SERVING until caught up: {Note}")]
    public static partial void Recovering(ILogger logger, string reason, string note);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Recovered: blocks rebuilt up to the commit index Raft had when it left recovery ({CommitIndex}; applied {AppliedIndex}); serving again")]
    public static partial void Recovered(ILogger logger, ulong commitIndex, ulong appliedIndex);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "Raft log caught up from the leader (last log index {LastIndex}, commit {CommitIndex}): voting again; still recovering (readiness NOT_SERVING) until the applied index, now {AppliedIndex}, reaches the commit")]
    public static partial void LogCaughtUp(ILogger logger, ulong lastIndex, ulong commitIndex, ulong appliedIndex);
}
