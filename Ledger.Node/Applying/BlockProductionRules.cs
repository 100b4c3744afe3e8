using System.Text;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>
/// The deterministic rules on the leader's stamp (time and proposer) that a committed entry must meet
/// for its transactions to be applied. Every node checks them against the previous block only, so all
/// nodes agree. An entry that breaks one still becomes a block, deterministically: each of its
/// transactions is recorded as rejected with a bounded reason, its time is one millisecond after the
/// previous block's (so a bad stamp never moves the chain's time) and its proposer is the term's leader
/// when one is known. See docs/threat-model.md, "Time".
/// <list type="bullet">
/// <item>Time is strictly increasing: a block's time is after the previous block's.</item>
/// <item>One proposer per term: only the leader of a Raft term creates entries of that term, so every
/// block of a term names the proposer of that term's first block. The first block of a term is tied to
/// the term's leader before it commits, by followers (<see cref="Peers.EntryTimeCheck"/> acknowledges an
/// entry of the leader's term only when it names the sender).</item>
/// </list>
/// </summary>
public static class BlockProductionRules
{
    /// <summary>Reason name (stable, recorded in the chain) for a block time not after the previous block's.</summary>
    public const string TimeNotIncreasing = "BlockTimeNotIncreasing";

    /// <summary>Reason name (stable, recorded in the chain) for a proposer that is not the leader of the entry's term.</summary>
    public const string ProposerNotTermLeader = "ProposerNotTermLeader";

    /// <summary>
    /// Null when an entry stamped (<paramref name="timestampUnixMs"/>, <paramref name="proposerNodeId"/>)
    /// in Raft term <paramref name="entryTerm"/> may follow <paramref name="previous"/> (null before the
    /// first block); else the reason, "Name: detail", at most a few hundred bytes whatever the input.
    /// </summary>
    public static string? Check(long timestampUnixMs, string proposerNodeId, ulong entryTerm, BlockHeader? previous)
    {
        if (!ConsortiumGenesis.IsValidIdentifier(proposerNodeId))
        {
            return $"{ProposerNotTermLeader}: the proposer id of {Encoding.UTF8.GetByteCount(proposerNodeId)} bytes is not a node identifier";
        }

        if (previous is not null && previous.RaftTerm == entryTerm && !string.Equals(previous.ProposerNodeId, proposerNodeId, StringComparison.Ordinal))
        {
            return $"{ProposerNotTermLeader}: '{proposerNodeId}' is named as proposer in term {entryTerm}, whose leader '{previous.ProposerNodeId}' proposed block {previous.Height}";
        }

        var previousTime = previous?.TimestampUnixMs ?? 0;
        if (timestampUnixMs <= previousTime)
        {
            return previous is null
                ? $"{TimeNotIncreasing}: block time {timestampUnixMs} ms is not after the Unix epoch"
                : $"{TimeNotIncreasing}: block time {timestampUnixMs} ms is not after the previous block's {previousTime} ms";
        }

        return null;
    }

    /// <summary>The time of a block whose entry broke a rule: the smallest the rules allow, so it moves the chain's time by 1 ms at most.</summary>
    public static long TimeOfRejectedBlock(BlockHeader? previous)
    {
        var previousTime = previous?.TimestampUnixMs ?? 0;
        return previousTime == long.MaxValue ? long.MaxValue : Math.Max(previousTime, 0) + 1;
    }

    /// <summary>The proposer recorded for a block whose entry broke a rule: the term's leader when a block of the term names it, else nobody.</summary>
    public static string ProposerOfRejectedBlock(string proposerNodeId, ulong entryTerm, BlockHeader? previous)
    {
        if (previous is not null && previous.RaftTerm == entryTerm)
        {
            return previous.ProposerNodeId;
        }

        return ConsortiumGenesis.IsValidIdentifier(proposerNodeId) ? proposerNodeId : "";
    }
}
