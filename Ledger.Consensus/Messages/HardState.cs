namespace Ledger.Consensus;

/// <summary>
/// The state that must be on stable storage before any message that depends on it is sent:
/// current term, the vote cast in that term (0 = none), and the commit index; plus what protects the node
/// against forgetting what it acknowledged: whether it is recovering (and toward which position), and the
/// acknowledged watermarks it learned from leaders.
/// </summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    private readonly AcknowledgedWatermarks? watermarks;

    public static HardState Empty => default;

    /// <summary>Why the node is recovering; <see cref="RecoveryReason.None"/> when it is not.</summary>
    public RecoveryReason Recovery { get; init; }

    /// <summary>While recovering: the log position the node must reach again (none = only the leader's commit index).</summary>
    public LogPosition RecoveryTarget { get; init; }

    /// <summary>What every node is known to have acknowledged (see <see cref="AcknowledgedWatermarks"/>).</summary>
    public AcknowledgedWatermarks Watermarks
    {
        get => watermarks ?? AcknowledgedWatermarks.Empty;
        init => watermarks = value is null || value.IsEmpty ? null : value;
    }

    public bool IsRecovering => Recovery != RecoveryReason.None;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0 && Recovery == RecoveryReason.None && watermarks is null;
}
