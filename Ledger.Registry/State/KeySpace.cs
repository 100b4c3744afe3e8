namespace Ledger.Registry.State;

/// <summary>
/// First byte of every state key. Spaces below <see cref="FirstIndexSpace"/> hold authoritative
/// records and are covered by the state root; the others are secondary indexes that are a
/// deterministic function of the committed records or of the (separately committed) transaction
/// log, so they are left out of the root to keep a 100,000-item batch at about one commitment
/// update per item (and a batch at about one write per item).
/// </summary>
public enum KeySpace : byte
{
    Governance = 0x01,
    Member = 0x02,
    Key = 0x03,
    Node = 0x04,
    Proposal = 0x05,
    Nonce = 0x06,
    Work = 0x10,
    License = 0x11,
    Claim = 0x12,
    Evidence = 0x13,

    /// <summary>One entry per BatchRegister: its item root, item count and per-item acceptance bitmap (<see cref="Batches.BatchCommitment"/>).</summary>
    BatchCommitment = 0x14,

    FirstIndexSpace = 0x40,

    /// <summary>
    /// <c>[0x40][algorithm][content hash]</c> → which work registered it
    /// (<see cref="ContentHashIndexValue"/>): a 36-byte work id (single works; every entry written
    /// before the compact form) or, for a batch item, 9 bytes <c>[0xB1][batch ordinal uint40][item index uint24]</c>
    /// resolved through <see cref="BatchOrdinal"/>.
    /// </summary>
    ContentHashIndex = 0x40,
    OwnerIndex = 0x41,
    WorkHistory = 0x42,
    ClaimByWork = 0x43,
    ClaimByStatus = 0x44,
    PerceptualHashIndex = 0x45,
    BatchOutcome = 0x46,

    /// <summary>
    /// What a batch item's work record is rebuilt from (<see cref="Batches.BatchItemRecords"/>):
    /// <c>[0x48] || tx hash</c> = the fields every item shares (a <c>WorkRecord</c> without the
    /// item's own fields), <c>[0x48] || tx hash || uint32 BE chunk</c> = the items' canonical
    /// bytes (<see cref="Batches.BatchItemTable"/>). Both are a deterministic function of the batch
    /// transaction (in the log); whether an item was accepted is read from its committed
    /// <see cref="BatchCommitment"/> entry. A later change to such a work (transfer) writes the
    /// committed <see cref="Work"/> key, which then takes precedence. (0x47, the per-item records
    /// of storage format 3, is retired.)
    /// </summary>
    BatchItems = 0x48,

    /// <summary>
    /// <c>[0x49][ordinal uint64 BE]</c> → the 32-byte hash of the chain's ordinal-th BatchRegister
    /// that accepted an item (ordinals from 0, counted in the <see cref="Meta"/> key
    /// <see cref="StateKeys.BatchOrdinalNext"/>), so a batch item's content-hash entry carries the
    /// ordinal (5 bytes) instead of the hash (32). Written in the same layer as the batch's entries;
    /// a deterministic function of the log like the other index spaces.
    /// </summary>
    BatchOrdinal = 0x49,

    /// <summary>Bookkeeping: last applied height, the state-root accumulator and the next batch ordinal.</summary>
    Meta = 0x7F,
}

public static class KeySpaces
{
    public static bool IsCommitted(KeySpace space) => space < KeySpace.FirstIndexSpace;
}
