using Ledger.Consensus;

namespace Ledger.Node.Peers;

/// <summary>
/// Size bounds a Raft message from a peer must respect, taken from the same <see cref="RaftConfig"/>
/// values the local leader uses when it sends (so an honest leader's appends always pass).
/// </summary>
public sealed record PeerMessageBounds(int EntriesPerAppendMax, long EntryBytesPerAppendMax)
{
    /// <summary>
    /// No honest cluster reaches this term (2^48 elections); refusing beyond it keeps <c>term + 1</c>
    /// far from overflow, so a peer cannot push a node's term to where campaigning wraps to 0.
    /// </summary>
    public const ulong TermMax = 1UL << 48;

    /// <summary>Acknowledged watermarks one App or Heartbeat may carry (one per voter; the core never tracks more).</summary>
    public const int WatermarksMax = AcknowledgedWatermarks.NodesMax;

    /// <summary>Length of the context a ReadIndex request carries (the drive loop's read id) and its response echoes.</summary>
    public const int ReadIndexContextBytes = sizeof(ulong);

    /// <summary>The bounds an honest leader configured with <paramref name="config"/> sends within.</summary>
    public static PeerMessageBounds Of(RaftConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new PeerMessageBounds(config.MaxEntriesPerAppend, config.MaxBytesPerAppend);
    }

    /// <summary>The bounds of a default <see cref="RaftConfig"/> whose append bytes are <paramref name="entryBytesPerAppendMax"/>.</summary>
    public static PeerMessageBounds ForAppendBytes(long entryBytesPerAppendMax) =>
        new(new RaftConfig().MaxEntriesPerAppend, entryBytesPerAppendMax);
}
