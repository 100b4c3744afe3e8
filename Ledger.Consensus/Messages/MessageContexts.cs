namespace Ledger.Consensus;

/// <summary>
/// The shapes of <see cref="Message.Context"/> the core produces, so a host validating peer messages
/// checks them against the core's own definitions instead of copies.
/// </summary>
public static class MessageContexts
{
    /// <summary>Length of the read-round tag a leader puts on heartbeats (and a follower echoes) during a ReadIndex round.</summary>
    public const int ReadRoundTagBytes = ReadIndexQueue.SequenceBytes;

    /// <summary>The marker on vote requests sent because of a leadership transfer (§3.10).</summary>
    public static ReadOnlySpan<byte> CampaignTransfer => RaftNode.CampaignTransferContext;
}
