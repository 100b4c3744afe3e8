namespace Ledger.Consensus;

/// <summary>
/// TEST ONLY. Deliberate protocol violations the deterministic simulator switches on to prove that
/// its safety checker catches real bugs. Never set outside tests; <see cref="None"/> is the default.
/// </summary>
[Flags]
public enum RaftBugs
{
    None = 0,

    /// <summary>Leader commits an entry from an earlier term as soon as a majority stores it, violating
    /// dissertation §3.6.2 (Figure 3.7). The checker should see a committed entry overwritten.</summary>
    CommitPriorTermEntryByCounting = 1 << 0,

    /// <summary>
    /// Every message of a Ready that persists something is put in <see cref="Ready.MessagesBeforePersist"/>, so
    /// votes, vote responses and append acknowledgements may leave before the hard state and entries they promise
    /// are durable (the correct node puts only a leader's appends, heartbeats and snapshots there). The simulator
    /// honours the contract (early messages, then the write, then the rest); the bug shows when a node crashes
    /// after sending and before writing, e.g. a vote granted but never recorded, so it votes twice in one term.
    /// </summary>
    SendBeforePersist = 1 << 1,

    /// <summary>Grants votes without the "candidate's log is at least as up-to-date" check (§3.6.1).</summary>
    VoteWithoutLogCheck = 1 << 2,

    /// <summary>On construction from storage, ignores the persisted vote, so a restarted node may vote twice in a term.</summary>
    ForgetVoteOnRestart = 1 << 3,

    /// <summary>
    /// The leader counts an entry it appends toward the commit quorum at once, although its appends leave
    /// before its own write (dissertation §10.2.1 requires counting itself only once the entry is durable). A
    /// leader that crashes before writing can then have committed an entry that only a minority holds.
    /// </summary>
    LeaderCountsItselfBeforeDurable = 1 << 4,

    /// <summary>
    /// Acknowledged watermarks are neither gossiped nor checked, and incarnation changes are ignored: a node whose
    /// log lost entries it acknowledged (a storage rollback) votes and counts as if it never had them, so a
    /// candidate lacking a committed entry can win (the FAST'18 failure). Host-declared recovery still works.
    /// </summary>
    IgnoreAcknowledgedWatermarks = 1 << 5,
}
