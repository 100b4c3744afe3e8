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
    /// Messages are released one Ready before the entries and hard state they depend on: a Ready that
    /// would carry both new messages and new persistence carries only the messages, and the entries,
    /// hard state, snapshot and committed entries follow in the next Ready. The simulator honours the
    /// normal host contract unchanged (persist the Ready, then send, then apply, then Advance); the bug
    /// shows when a node crashes between the two Readies and loses its unsynced writes (e.g. a vote
    /// acknowledged but never recorded, so it votes twice in one term).
    /// </summary>
    SendBeforePersist = 1 << 1,

    /// <summary>Grants votes without the "candidate's log is at least as up-to-date" check (§3.6.1).</summary>
    VoteWithoutLogCheck = 1 << 2,

    /// <summary>On construction from storage, ignores the persisted vote, so a restarted node may vote twice in a term.</summary>
    ForgetVoteOnRestart = 1 << 3,
}
