using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>Where the drive loop makes a Ready durable: one write per Ready (group commit).</summary>
public interface IRaftPersistence
{
    /// <summary>
    /// Installs <paramref name="snapshot"/> (if any), appends <paramref name="entries"/> truncating any
    /// conflicting suffix, and saves <paramref name="hardState"/> (if any) in one atomic write, fsynced
    /// when <paramref name="sync"/> is true. Returns only when that write is done.
    /// </summary>
    void Persist(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState, bool sync);

    /// <summary>Records the membership after the host applied a conf change at <paramref name="index"/>.</summary>
    void SaveConfState(ConfState confState, ulong index);
}
