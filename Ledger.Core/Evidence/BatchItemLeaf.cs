using System.Buffers.Binary;
using System.Text;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Canonical bytes of a BatchRegister item — the leaf input of the batch's RFC 9162 tree. This is
/// a second, independent implementation of Ledger.Registry.Batches.BatchItemEncoding (the
/// registry's is authoritative; registry.proto documents the layout): Core has it so an auditor
/// can verify a batch item with Core alone. Both must stay byte-identical:
/// format 1 (no SM3): 0x01 || content_sha256 (32) || uint16 BE len(item_id UTF-8) || item_id || phash;
/// format 2 (with SM3): 0x02 || hashes (bit 0 SHA-256, bit 1 SM3) || content_sha256 (32, if bit 0)
/// || content_sm3 (32) || uint16 BE len(item_id UTF-8) || item_id || phash;
/// phash = 0x00 (no perceptual hash) | 0x01 || uint64 BE perceptual_hash.
/// </summary>
public static class BatchItemLeaf
{
    public const byte FormatVersion = 0x01;
    public const byte FormatVersionWithSm3 = 0x02;
    public const int ContentHashBytes = 32;
    public const int ItemIdBytesMax = 256;

    public static byte[] Encode(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var hasSm3 = !item.ContentSm3.IsEmpty;
        var hasSha256 = !item.ContentSha256.IsEmpty;
        if (hasSm3 && item.ContentSm3.Length != ContentHashBytes)
        {
            throw new ArgumentException($"content_sm3 must be {ContentHashBytes} bytes, was {item.ContentSm3.Length}", nameof(item));
        }

        if ((hasSha256 || !hasSm3) && item.ContentSha256.Length != ContentHashBytes)
        {
            throw new ArgumentException($"content_sha256 must be {ContentHashBytes} bytes, was {item.ContentSha256.Length}", nameof(item));
        }

        var itemId = Encoding.UTF8.GetBytes(item.ItemId);
        if (itemId.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"item_id is {itemId.Length} bytes, more than fits the encoding", nameof(item));
        }

        var hashesBytes = hasSm3 ? 1 + ((hasSha256 ? 2 : 1) * ContentHashBytes) : ContentHashBytes;
        var bytes = new byte[1 + hashesBytes + 2 + itemId.Length + 1 + (item.HasPerceptualHash ? 8 : 0)];
        var offset = 0;
        if (hasSm3)
        {
            bytes[offset++] = FormatVersionWithSm3;
            bytes[offset++] = (byte)(0x02 | (hasSha256 ? 0x01 : 0x00));
            if (hasSha256)
            {
                item.ContentSha256.Span.CopyTo(bytes.AsSpan(offset));
                offset += ContentHashBytes;
            }

            item.ContentSm3.Span.CopyTo(bytes.AsSpan(offset));
            offset += ContentHashBytes;
        }
        else
        {
            bytes[offset++] = FormatVersion;
            item.ContentSha256.Span.CopyTo(bytes.AsSpan(offset));
            offset += ContentHashBytes;
        }

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
