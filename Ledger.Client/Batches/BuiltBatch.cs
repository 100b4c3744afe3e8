using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Batches;

/// <summary>
/// One batch, ready to sign: <see cref="Body"/> is what the member signs (merkle_root, item_count,
/// media type, holder; no items), <see cref="Items"/> travel detached beside it, and <see cref="Tree"/>
/// is their RFC 9162 tree (root = the body's merkle_root), for item proofs.
/// </summary>
public sealed record BuiltBatch(BatchRegister Body, BatchItems Items, MemoryMerkleTree Tree);
