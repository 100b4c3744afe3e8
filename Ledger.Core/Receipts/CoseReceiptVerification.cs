using Ledger.Core.Protocol;

namespace Ledger.Core.Receipts;

/// <summary>
/// A verified ledger COSE receipt: leaf <see cref="LeafIndex"/> of the log of
/// <see cref="TreeSize"/> leaves with root <see cref="LogRoot"/>, all three read from what the
/// signatures cover (the leaf index from the issuer's protected header, size and root from the
/// block header the quorum attested), issued by <see cref="IssuerNodeId"/> and certified by
/// <see cref="AttestingNodeIds"/>, a quorum of the node set in force at the block's height.
/// </summary>
public sealed record CoseReceiptVerification(
    ulong LeafIndex,
    ulong TreeSize,
    byte[] LogRoot,
    BlockHeader Header,
    string IssuerNodeId,
    IReadOnlyList<string> AttestingNodeIds,
    int Quorum,
    int NodeCount);
