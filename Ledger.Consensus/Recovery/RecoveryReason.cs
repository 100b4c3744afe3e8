namespace Ledger.Consensus;

/// <summary>
/// Why a node is recovering: its durable state may be behind what it acknowledged, so it neither votes nor counts
/// toward a commit quorum until it has re-fetched what it is missing from a legitimate leader. Ordered by
/// severity: when two reasons meet, the higher one stays.
/// </summary>
public enum RecoveryReason : byte
{
    /// <summary>Not recovering.</summary>
    None = 0,

    /// <summary>
    /// A peer showed this node acknowledged a log position its log no longer reaches (an acknowledged watermark
    /// gossiped by a leader, or carried by a vote request or a vote refusal).
    /// </summary>
    AcknowledgedWatermark = 1,

    /// <summary>
    /// The host found local damage, or restored an older copy: the log may have lost entries it acknowledged, but
    /// the hard state (term and vote) is intact.
    /// </summary>
    LogMayBeBehind = 2,

    /// <summary>
    /// The host cannot trust the hard state: the term and vote may be lost too. Besides catching up, the node waits
    /// until it has heard a term from every other voter before it votes again (it might otherwise vote twice in
    /// one term). Liveness cost: while any voter is unreachable the node stays recovering.
    /// </summary>
    HardStateLost = 3,
}
