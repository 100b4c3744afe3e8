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

    /// <summary>Bookkeeping: last applied height and the state-root accumulator.</summary>
    Meta = 0x7F,
}

public static class KeySpaces
{
    public static bool IsCommitted(KeySpace space) => space < KeySpace.FirstIndexSpace;
}
