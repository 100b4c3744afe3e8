using Ledger.Core.Protocol;

namespace Ledger.Storage.Blocks;

/// <summary>
/// A transaction as stored: where it is, what it was, what applying it produced, and how it was
/// checked on the way back from disk: its block's <paramref name="Header"/> (hash-checked and linked
/// to its predecessor) and <paramref name="LogInclusion"/>, the path from its log leaf
/// (<paramref name="LeafHash"/>: its hash and result) to that header's log_root, which the read verified.
/// The proof is in the log of the header's own log_size leaves: what a receipt for it carries.
/// Shared objects: do not modify.
/// </summary>
public sealed record StoredTransaction(
    byte[] TransactionHash,
    ulong Height,
    uint Position,
    SignedTransaction Transaction,
    TransactionResult Result,
    BlockHeader Header,
    byte[] LeafHash,
    InclusionProof LogInclusion);
