using System.Buffers.Binary;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Batches;

/// <summary>
/// The one state-root entry of a BatchRegister (key <c>[0x14] || tx hash</c>): what the batch
/// added, as one accumulator element instead of one per item. Value layout:
/// <code>
/// 0x01                         format version
/// merkle_root                  32 bytes, the RFC 9162 root over the items (BatchMerkleRoot)
/// uint32 BE item_count
/// accepted bitmap              ceil(item_count / 8) bytes; bit (i mod 8) of byte i / 8 (LSB first) = item i accepted
/// </code>
/// An item's work record is then a deterministic function of the batch transaction (committed by
/// the log root, provable by its inclusion proof plus the item's proof under merkle_root) and this
/// entry; the per-item records and lookups sit in index spaces outside the root.
/// </summary>
public static class BatchCommitment
{
    public const byte FormatVersion = 0x01;
    public const int HeaderBytes = 1 + RegistryLimits.HashBytes + sizeof(uint);

    public static byte[] Encode(ReadOnlySpan<byte> merkleRoot, ReadOnlySpan<bool> accepted)
    {
        if (merkleRoot.Length != RegistryLimits.HashBytes)
        {
            throw new ArgumentException($"merkle root must be {RegistryLimits.HashBytes} bytes, was {merkleRoot.Length}", nameof(merkleRoot));
        }

        var value = new byte[HeaderBytes + BitmapBytes(accepted.Length)];
        value[0] = FormatVersion;
        merkleRoot.CopyTo(value.AsSpan(1));
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(1 + RegistryLimits.HashBytes), (uint)accepted.Length);
        var bitmap = value.AsSpan(HeaderBytes);
        for (var i = 0; i < accepted.Length; i++)
        {
            if (accepted[i])
            {
                bitmap[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return value;
    }

    /// <summary>Whether item <paramref name="itemIndex"/> was accepted, read from an encoded entry.</summary>
    public static bool IsAccepted(ReadOnlySpan<byte> encoded, uint itemIndex)
    {
        if (encoded.Length < HeaderBytes || encoded[0] != FormatVersion)
        {
            throw new ArgumentException("not a batch commitment entry", nameof(encoded));
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(encoded[(1 + RegistryLimits.HashBytes)..]);
        if (itemIndex >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(itemIndex), $"item {itemIndex} is outside the batch of {count}");
        }

        return (encoded[HeaderBytes + (int)(itemIndex >> 3)] & (1 << (int)(itemIndex & 7))) != 0;
    }

    /// <summary>Items in the batch, read from an encoded entry.</summary>
    public static uint ItemCount(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < HeaderBytes || encoded[0] != FormatVersion)
        {
            throw new ArgumentException("not a batch commitment entry", nameof(encoded));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(encoded[(1 + RegistryLimits.HashBytes)..]);
    }

    public static ReadOnlySpan<byte> MerkleRoot(ReadOnlySpan<byte> encoded) => encoded.Slice(1, RegistryLimits.HashBytes);

    private static int BitmapBytes(int count) => (count + 7) / 8;
}
