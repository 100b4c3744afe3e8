using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Registry.Batches;

/// <summary>
/// A batch's detached items as this node already parsed and checked them ahead of apply (the
/// leader's door): the canonical, within-bounds parse of <see cref="DetachedItems"/> and the RFC 9162
/// root of those items (<see cref="BatchMerkleRoot"/>). The rules take the parse and the root instead
/// of computing them again only for byte-identical committed items (<see cref="Matches"/>), the way
/// they take a signature verdict for the same bytes; the per-item bounds, the item count and the
/// root's equality with the signed merkle_root are still checked against the committed body.
/// </summary>
public sealed class CheckedBatchItems
{
    /// <param name="detachedItems">The detached items' bytes exactly as checked.</param>
    /// <param name="items">Their parse, canonical and within bounds (<see cref="Bounds.DetachedItemsBounds"/>). Not modified afterwards.</param>
    /// <param name="merkleRoot">The RFC 9162 root of <paramref name="items"/>.</param>
    public CheckedBatchItems(ByteString detachedItems, BatchItems items, byte[] merkleRoot)
    {
        ArgumentNullException.ThrowIfNull(detachedItems);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(merkleRoot);
        DetachedItems = detachedItems;
        Items = items;
        MerkleRoot = merkleRoot;
    }

    public ByteString DetachedItems { get; }

    public BatchItems Items { get; }

    public byte[] MerkleRoot { get; }

    /// <summary>Whether <paramref name="committed"/> are the very bytes that were checked (a byte comparison, far cheaper than the parse and hashing it saves).</summary>
    public bool Matches(ByteString committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        return ReferenceEquals(committed, DetachedItems) || committed.Span.SequenceEqual(DetachedItems.Span);
    }
}
