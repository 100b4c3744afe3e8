using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Batches;

/// <summary>
/// Canonical bytes of a <see cref="BatchItem"/>, the input of its Merkle leaf. Fixed layout, so
/// any verifier can rebuild it from the item's fields without protobuf:
/// <code>
/// 0x01                                   format version
/// content_sha256                         32 bytes
/// uint16 BE n || item_id                 n = UTF-8 byte length, n ≤ 64
/// 0x00                                   no perceptual hash, or
/// 0x01 || uint64 BE perceptual_hash      with one
/// </code>
/// </summary>
public static class BatchItemEncoding
{
    public const byte FormatVersion = 0x01;
    public const int EncodedBytesMax = 1 + RegistryLimits.HashBytes + sizeof(ushort) + RegistryLimits.ItemIdBytesMax + 1 + sizeof(ulong);

    /// <summary>Whether <paramref name="item"/> is within the bounds its canonical bytes need (what <see cref="Encode"/> refuses otherwise).</summary>
    public static bool IsEncodable(BatchItem item) =>
        item.ContentSha256.Length == RegistryLimits.HashBytes && Encoding.UTF8.GetByteCount(item.ItemId) <= RegistryLimits.ItemIdBytesMax;

    /// <summary>Writes the canonical bytes into <paramref name="destination"/> (at least <see cref="EncodedBytesMax"/> long) and returns their length.</summary>
    /// <exception cref="ArgumentException">The item violates the content-hash or item-id bounds.</exception>
    public static int Encode(BatchItem item, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ContentSha256.Length != RegistryLimits.HashBytes)
        {
            throw new ArgumentException($"content_sha256 must be {RegistryLimits.HashBytes} bytes, was {item.ContentSha256.Length}", nameof(item));
        }

        var itemIdBytes = Encoding.UTF8.GetByteCount(item.ItemId);
        if (itemIdBytes > RegistryLimits.ItemIdBytesMax)
        {
            throw new ArgumentException($"item_id is {itemIdBytes} bytes, more than {nameof(RegistryLimits.ItemIdBytesMax)}={RegistryLimits.ItemIdBytesMax}", nameof(item));
        }

        var offset = 0;
        destination[offset++] = FormatVersion;
        item.ContentSha256.Span.CopyTo(destination[offset..]);
        offset += RegistryLimits.HashBytes;
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)itemIdBytes);
        offset += sizeof(ushort);
        offset += Encoding.UTF8.GetBytes(item.ItemId, destination[offset..]);
        if (item.HasPerceptualHash)
        {
            destination[offset++] = 0x01;
            BinaryPrimitives.WriteUInt64BigEndian(destination[offset..], item.PerceptualHash);
            offset += sizeof(ulong);
        }
        else
        {
            destination[offset++] = 0x00;
        }

        return offset;
    }

    /// <summary>
    /// Reads canonical bytes written by <see cref="Encode(BatchItem, Span{byte})"/> (stored item
    /// tables). Stored bytes are our own, so a malformed encoding is a broken invariant and throws.
    /// </summary>
    public static BatchItem Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 1 + RegistryLimits.HashBytes + sizeof(ushort) + 1 || encoded[0] != FormatVersion)
        {
            throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes is not format {FormatVersion}");
        }

        var offset = 1;
        var item = new BatchItem { ContentSha256 = ByteString.CopyFrom(encoded.Slice(offset, RegistryLimits.HashBytes)) };
        offset += RegistryLimits.HashBytes;
        var itemIdBytes = BinaryPrimitives.ReadUInt16BigEndian(encoded[offset..]);
        offset += sizeof(ushort);
        item.ItemId = Encoding.UTF8.GetString(encoded.Slice(offset, itemIdBytes));
        offset += itemIdBytes;
        var flag = encoded[offset++];
        if (flag == 0x01)
        {
            item.PerceptualHash = BinaryPrimitives.ReadUInt64BigEndian(encoded[offset..]);
            offset += sizeof(ulong);
        }
        else if (flag != 0x00)
        {
            throw new RegistryInvariantException($"stored batch item has perceptual-hash flag {flag}");
        }

        if (offset != encoded.Length)
        {
            throw new RegistryInvariantException($"stored batch item has {encoded.Length - offset} trailing bytes");
        }

        return item;
    }

    /// <summary>The perceptual hash in canonical bytes, without decoding the rest (similarity index feeds).</summary>
    public static bool TryReadPerceptualHash(ReadOnlySpan<byte> encoded, out ulong perceptualHash)
    {
        var flagOffset = 1 + RegistryLimits.HashBytes + sizeof(ushort) + BinaryPrimitives.ReadUInt16BigEndian(encoded[(1 + RegistryLimits.HashBytes)..]);
        if (encoded[flagOffset] == 0x01)
        {
            perceptualHash = BinaryPrimitives.ReadUInt64BigEndian(encoded[(flagOffset + 1)..]);
            return true;
        }

        perceptualHash = 0;
        return false;
    }

    public static byte[] Encode(BatchItem item)
    {
        Span<byte> buffer = stackalloc byte[EncodedBytesMax];
        var length = Encode(item, buffer);
        return buffer[..length].ToArray();
    }
}
