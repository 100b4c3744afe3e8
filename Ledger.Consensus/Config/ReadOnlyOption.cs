namespace Ledger.Consensus;

/// <summary>How a leader confirms it is still leader before answering a ReadIndex request (dissertation §6.4).</summary>
public enum ReadOnlyOption : byte
{
    /// <summary>Confirm with a heartbeat round acknowledged by a quorum. Safe regardless of clocks.</summary>
    Safe = 0,

    /// <summary>Rely on the check-quorum lease (§6.4.1). Assumes bounded clock drift; requires <see cref="RaftConfig.CheckQuorum"/>.</summary>
    LeaseBased = 1,
}
