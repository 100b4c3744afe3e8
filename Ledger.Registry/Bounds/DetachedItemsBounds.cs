using System.Buffers;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;

namespace Ledger.Registry.Bounds;

/// <summary>
/// The bounds of a transaction's detached items (<c>SignedTransaction.detached_items</c>), checked
/// without state after the body's own bounds (<see cref="BodyBounds"/>), by the door (InvalidArgument)
/// and the rules (the same reason recorded) alike. Only a BatchRegister has detached items, and it
/// must: the canonical serialization of a <see cref="BatchItems"/> (no unknown fields, fields in
/// order), at most <see cref="RegistryLimits.BatchItemsBytesMax"/> bytes, exactly the body's
/// <c>item_count</c> items, each within the item bounds — the content hashes the consortium's suite
/// requires (<see cref="ContentHashPolicy"/>, as for a work: SHA-256 on p256-sha256 and ed25519,
/// SM3 on sm2-sm3, either suite may carry both, 32 bytes each). Whether the items' root is the body's
/// <c>merkle_root</c> is checked by the rules (and early by the door) once the items are encoded.
/// </summary>
public static class DetachedItemsBounds
{
    /// <summary>Within bounds, or why not.</summary>
    /// <param name="body">The parsed body (<see cref="BodyBounds.Validate(TransactionType, ByteString, string, out IMessage?)"/>); null for an Anchor.</param>
    /// <param name="chainSuite">The consortium's suite (genesis), whose content-hash policy the items follow.</param>
    /// <param name="items">A BatchRegister's items when within bounds; null for every other type.</param>
    public static BoundViolation? Validate(TransactionType type, IMessage? body, ByteString detachedItems, string chainSuite, out BatchItems? items)
    {
        ArgumentNullException.ThrowIfNull(detachedItems);
        try
        {
            items = ParseAndCheck(type, body, detachedItems, chainSuite);
            return null;
        }
        catch (RuleViolationException violation)
        {
            items = null;
            return new BoundViolation(violation.Reason, violation.Detail);
        }
    }

    /// <param name="alreadyChecked">
    /// This node's earlier parse of the same transaction's items (<see cref="CheckedBatchItems"/>):
    /// used instead of parsing again when <paramref name="detachedItems"/> are its very bytes; the
    /// checks against <paramref name="body"/> and each item's bounds run either way.
    /// </param>
    /// <exception cref="RuleViolationException">The detached items are present where they must not be, missing, or out of bounds.</exception>
    internal static BatchItems? ParseAndCheck(TransactionType type, IMessage? body, ByteString detachedItems, string chainSuite, CheckedBatchItems? alreadyChecked = null)
    {
        ArgumentNullException.ThrowIfNull(chainSuite);
        if (type != TransactionType.BatchRegister)
        {
            if (!detachedItems.IsEmpty)
            {
                throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items carries {detachedItems.Length} bytes; only a BatchRegister has detached items");
            }

            return null;
        }

        var batch = body as BatchRegister ?? throw new ArgumentException("a BatchRegister's parsed body is required", nameof(body));
        if (detachedItems.IsEmpty)
        {
            throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items is missing: the batch's {batch.ItemCount} items must travel with the transaction");
        }

        if (detachedItems.Length > RegistryLimits.BatchItemsBytesMax)
        {
            throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items is {detachedItems.Length} bytes, more than {nameof(RegistryLimits.BatchItemsBytesMax)}={RegistryLimits.BatchItemsBytesMax}");
        }

        var items = alreadyChecked is not null && alreadyChecked.Matches(detachedItems) ? alreadyChecked.Items : ParseCanonical(detachedItems);

        if ((uint)items.Items.Count != batch.ItemCount)
        {
            throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items holds {items.Items.Count} items, the signed item_count is {batch.ItemCount}");
        }

        var allowsPerceptualHash = BodyBounds.AllowsPerceptualHash(batch.MediaType);
        for (var i = 0; i < items.Items.Count; i++)
        {
            var item = items.Items[i];
            CheckContentHashes(item, i, chainSuite);

            Check.Utf8Max(item.ItemId, RegistryLimits.ItemIdBytesMax, $"items[{i}].item_id", nameof(RegistryLimits.ItemIdBytesMax));
            if (item.HasPerceptualHash && !allowsPerceptualHash)
            {
                throw Check.Fail(RejectionReason.InvalidField, $"items[{i}].perceptual_hash is only for images and product listings, not {batch.MediaType}");
            }
        }

        return items;
    }

    /// <summary>
    /// The suite's content-hash policy for item <paramref name="index"/>. The p256-sha256 and ed25519
    /// wording for an item without a 32-byte SHA-256 is the one recorded before items could carry SM3.
    /// </summary>
    private static void CheckContentHashes(BatchItem item, int index, string chainSuite)
    {
        if (ContentHashPolicy.RequiresSha256(chainSuite) && item.ContentSha256.Length != RegistryLimits.HashBytes)
        {
            throw Check.Fail(RejectionReason.InvalidField, $"items[{index}].content_sha256 must be {RegistryLimits.HashBytes} bytes, was {item.ContentSha256.Length}");
        }

        if (ContentHashPolicy.Check(chainSuite, item.ContentSha256.Span, item.ContentSm3.Span) is { } problem)
        {
            var field = problem.Field == "content_hash.sm3" ? "content_sm3" : "content_sha256";
            throw problem.Kind == ContentHashProblemKind.Missing
                ? Check.Fail(RejectionReason.MissingField, $"items[{index}].{field} is required under the {chainSuite} suite")
                : Check.Fail(RejectionReason.InvalidField, $"items[{index}].{field} must be {ContentHashPolicy.HashBytes} bytes, was {(field == "content_sm3" ? item.ContentSm3.Length : item.ContentSha256.Length)}");
        }
    }

    private static BatchItems ParseCanonical(ByteString detachedItems)
    {
        // Unknown fields are dropped by the parse, so bytes that carried any fail the comparison below.
        var items = BodyParser.TryParse(BatchItems.Parser, detachedItems)
            ?? throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items ({detachedItems.Length} bytes) is not a valid BatchItems");
        var size = items.CalculateSize();
        if (size != detachedItems.Length || !SerializesTo(items, detachedItems.Span))
        {
            throw Check.Fail(RejectionReason.MalformedTransaction, "detached_items is not the canonical serialization of its BatchItems (items in field 1, each item's fields in order, nothing else)");
        }

        return items;
    }

    // Re-serialized into a pooled buffer: a batch's items are ~600 KB, a new array each time would
    // be a large-object allocation per batch at the door and again at apply.
    private static bool SerializesTo(BatchItems items, ReadOnlySpan<byte> expected)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(expected.Length);
        try
        {
            var serialized = buffer.AsSpan(0, expected.Length);
            items.WriteTo(serialized);
            return expected.SequenceEqual(serialized);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
