using System.Buffers.Binary;

namespace Ledger.Storage.Registry;

/// <summary>
/// What the similarity index covers, stored under <see cref="SimilarityIndexKeys.Status"/>:
/// <code>
/// 0x02 format | substring count | phase (0 following, 1 rebuilding) | height, uint64 BE | cursor (the rest)
/// </code>
/// Following: every image of the blocks up to <see cref="Height"/> is in the tables; the images of
/// later blocks are in their pending records (one per block, heights contiguous from Height + 1).
/// Rebuilding: the tables are being filled from the state as it was at <see cref="Height"/> (the
/// rebuild's base), in state key order; images at state keys up to <see cref="Cursor"/> are done
/// (empty: none yet). Blocks after the base keep their pending records, indexed once the rebuild ends.
/// </summary>
internal sealed record SimilarityIndexStatus(int SubstringCount, bool Rebuilding, ulong Height, byte[] Cursor)
{
    /// <summary>A cursor is a registry state key; state keys are far shorter.</summary>
    public const int CursorBytesMax = 1_024;

    private const byte FormatVersion = 0x02;
    private const int HeaderBytes = 3 + sizeof(ulong);

    public byte[] Encode()
    {
        var value = new byte[HeaderBytes + Cursor.Length];
        value[0] = FormatVersion;
        value[1] = (byte)SubstringCount;
        value[2] = Rebuilding ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(3), Height);
        Cursor.CopyTo(value, HeaderBytes);
        return value;
    }

    /// <summary>The decoded status, or null when <paramref name="value"/> is absent or not one this build writes (the index is then rebuilt).</summary>
    public static SimilarityIndexStatus? TryDecode(byte[]? value)
    {
        if (value is null || value.Length < HeaderBytes || value.Length > HeaderBytes + CursorBytesMax || value[0] != FormatVersion || value[2] > 1)
        {
            return null;
        }

        return new SimilarityIndexStatus(value[1], value[2] == 1, BinaryPrimitives.ReadUInt64BigEndian(value.AsSpan(3)), value[HeaderBytes..]);
    }
}
