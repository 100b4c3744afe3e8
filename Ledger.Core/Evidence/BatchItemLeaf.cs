using System.Buffers.Binary;
using System.Text;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Canonical bytes of a BatchRegister item — the leaf input of the batch's RFC 9162 tree. This is
/// a second, independent implementation of Ledger.Registry.Batches.BatchItemEncoding (the
/// registry's is authoritative; registry.proto documents the layout): Core has it so an auditor
/// can verify a batch item with Core alone. Both must stay byte-identical:
/// 0x01 || content_sha256 (32) || uint16 BE len(item_id UTF-8) || item_id
/// || 0x00 (no perceptual hash) | 0x01 || uint64 BE perceptual_hash.
/// </summary>
public static class BatchItemLeaf
{
    public const byte FormatVersion = 0x01;
    public const int ContentHashBytes = 32;
    public const int ItemIdBytesMax = 256;

    public static byte[] Encode(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ContentSha256.Length != ContentHashBytes)
        {
            throw new ArgumentException($"content_sha256 must be {ContentHashBytes} bytes, was {item.ContentSha256.Length}", nameof(item));
        }

        var itemId = Encoding.UTF8.GetBytes(item.ItemId);
        if (itemId.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"item_id is {itemId.Length} bytes, more than fits the encoding", nameof(item));
        }

        var bytes = new byte[1 + ContentHashBytes + 2 + itemId.Length + 1 + (item.HasPerceptualHash ? 8 : 0)];
        var offset = 0;
        bytes[offset++] = FormatVersion;
        item.ContentSha256.Span.CopyTo(bytes.AsSpan(offset));
        offset += ContentHashBytes;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), (ushort)itemId.Length);
        offset += 2;
        itemId.CopyTo(bytes.AsSpan(offset));
        offset += itemId.Length;
        if (item.HasPerceptualHash)
        {
            bytes[offset++] = 0x01;
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), item.PerceptualHash);
        }
        else
        {
            bytes[offset] = 0x00;
        }

        return bytes;
    }
}
