using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Batches;

/// <summary>
/// Canonical bytes of a <see cref="BatchItem"/>, the input of its Merkle leaf. Fixed layout, so
/// any verifier can rebuild it from the item's fields without protobuf. An item without an SM3
/// hash keeps format 1, byte for byte what every batch before SM3 items signed:
/// <code>
/// 0x01                                   format version 1
/// content_sha256                         32 bytes
/// uint16 BE n || item_id                 n = UTF-8 byte length, n ≤ 64
/// 0x00                                   no perceptual hash, or
/// 0x01 || uint64 BE perceptual_hash      with one
/// </code>
/// An item with an SM3 hash (required under sm2-sm3, <see cref="ContentHashPolicy"/>) is format 2:
/// <code>
/// 0x02                                   format version 2
/// hashes                                 1 byte: bit 0 SHA-256 present, bit 1 SM3 present (set), no other bit
/// content_sha256                         32 bytes, when bit 0
/// content_sm3                            32 bytes
/// uint16 BE n || item_id, perceptual hash as in format 1
/// </code>
/// </summary>
public static class BatchItemEncoding
{
    public const byte FormatVersion = 0x01;

    /// <summary>The format of an item that carries an SM3 hash.</summary>
    public const byte FormatVersionWithSm3 = 0x02;

    public const byte HashesSha256Bit = 0x01;
    public const byte HashesSm3Bit = 0x02;

    public const int EncodedBytesMax = 1 + 1 + (2 * RegistryLimits.HashBytes) + sizeof(ushort) + RegistryLimits.ItemIdBytesMax + 1 + sizeof(ulong);

    /// <summary>Whether <paramref name="item"/> is within the bounds its canonical bytes need (what <see cref="Encode"/> refuses otherwise).</summary>
    public static bool IsEncodable(BatchItem item) => EncodingProblem(item) is null;

    /// <summary>
    /// Why <paramref name="item"/> has no canonical bytes, or null: each hash it carries is 32 bytes,
    /// it carries at least one, an item without SM3 carries SHA-256 (format 1), the id is within bounds.
    /// Which hashes the suite requires is the bounds' rule (<see cref="Bounds.DetachedItemsBounds"/>), not the encoding's.
    /// </summary>
    public static string? EncodingProblem(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ContentSm3.IsEmpty)
        {
            if (item.ContentSha256.Length != RegistryLimits.HashBytes)
            {
                return $"content_sha256 must be {RegistryLimits.HashBytes} bytes, was {item.ContentSha256.Length}";
            }
        }
        else if (item.ContentSm3.Length != RegistryLimits.HashBytes)
        {
            return $"content_sm3 must be {RegistryLimits.HashBytes} bytes, was {item.ContentSm3.Length}";
        }
        else if (!item.ContentSha256.IsEmpty && item.ContentSha256.Length != RegistryLimits.HashBytes)
        {
            return $"content_sha256 must be {RegistryLimits.HashBytes} bytes, was {item.ContentSha256.Length}";
        }

        var itemIdBytes = Encoding.UTF8.GetByteCount(item.ItemId);
        return itemIdBytes > RegistryLimits.ItemIdBytesMax
            ? $"item_id is {itemIdBytes} bytes, more than {nameof(RegistryLimits.ItemIdBytesMax)}={RegistryLimits.ItemIdBytesMax}"
            : null;
    }

    /// <summary>Writes the canonical bytes into <paramref name="destination"/> (at least <see cref="EncodedBytesMax"/> long) and returns their length.</summary>
    /// <exception cref="ArgumentException">The item violates the content-hash or item-id bounds.</exception>
    public static int Encode(BatchItem item, Span<byte> destination)
    {
        if (EncodingProblem(item) is { } problem)
        {
            throw new ArgumentException(problem, nameof(item));
        }

        var offset = 0;
        if (item.ContentSm3.IsEmpty)
        {
            destination[offset++] = FormatVersion;
            item.ContentSha256.Span.CopyTo(destination[offset..]);
            offset += RegistryLimits.HashBytes;
        }
        else
        {
            var hasSha256 = !item.ContentSha256.IsEmpty;
            destination[offset++] = FormatVersionWithSm3;
            destination[offset++] = (byte)(HashesSm3Bit | (hasSha256 ? HashesSha256Bit : 0));
            if (hasSha256)
            {
                item.ContentSha256.Span.CopyTo(destination[offset..]);
                offset += RegistryLimits.HashBytes;
            }

            item.ContentSm3.Span.CopyTo(destination[offset..]);
            offset += RegistryLimits.HashBytes;
        }

        var itemIdBytes = Encoding.UTF8.GetBytes(item.ItemId, destination[(offset + sizeof(ushort))..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)itemIdBytes);
        offset += sizeof(ushort) + itemIdBytes;
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
        var offset = HashesEnd(encoded, out var sha256, out var sm3);
        var item = new BatchItem();
        if (!sha256.IsEmpty)
        {
            item.ContentSha256 = ByteString.CopyFrom(sha256);
        }

        if (!sm3.IsEmpty)
        {
            item.ContentSm3 = ByteString.CopyFrom(sm3);
        }

        if (encoded.Length < offset + sizeof(ushort) + 1)
        {
            throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes ends inside its item id");
        }

        var itemIdBytes = BinaryPrimitives.ReadUInt16BigEndian(encoded[offset..]);
        offset += sizeof(ushort);
        if (encoded.Length < offset + itemIdBytes + 1)
        {
            throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes has an item id of {itemIdBytes} bytes past its end");
        }

        item.ItemId = Encoding.UTF8.GetString(encoded.Slice(offset, itemIdBytes));
        offset += itemIdBytes;
        var flag = encoded[offset++];
        if (flag == 0x01)
        {
            if (encoded.Length < offset + sizeof(ulong))
            {
                throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes ends inside its perceptual hash");
            }

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
        var idOffset = HashesEnd(encoded, out _, out _);
        var flagOffset = idOffset + sizeof(ushort) + BinaryPrimitives.ReadUInt16BigEndian(encoded[idOffset..]);
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

    /// <summary>The content hashes of stored canonical bytes (empty when absent) and the offset of the item id that follows them.</summary>
    private static int HashesEnd(ReadOnlySpan<byte> encoded, out ReadOnlySpan<byte> sha256, out ReadOnlySpan<byte> sm3)
    {
        const int Hash = RegistryLimits.HashBytes;
        sha256 = default;
        sm3 = default;
        if (encoded.Length >= 1 + Hash && encoded[0] == FormatVersion)
        {
            sha256 = encoded.Slice(1, Hash);
            return 1 + Hash;
        }

        if (encoded.Length < 2 || encoded[0] != FormatVersionWithSm3)
        {
            throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes is not format {FormatVersion} or {FormatVersionWithSm3}");
        }

        var hashes = encoded[1];
        if ((hashes & HashesSm3Bit) == 0 || (hashes & ~(HashesSha256Bit | HashesSm3Bit)) != 0)
        {
            throw new RegistryInvariantException($"stored batch item of format {FormatVersionWithSm3} has hashes byte {hashes}");
        }

        var offset = 2;
        var needed = offset + ((hashes & HashesSha256Bit) != 0 ? 2 * Hash : Hash);
        if (encoded.Length < needed)
        {
            throw new RegistryInvariantException($"stored batch item of {encoded.Length} bytes ends inside its content hashes");
        }

        if ((hashes & HashesSha256Bit) != 0)
        {
            sha256 = encoded.Slice(offset, Hash);
            offset += Hash;
        }

        sm3 = encoded.Slice(offset, Hash);
        return offset + Hash;
    }
}
