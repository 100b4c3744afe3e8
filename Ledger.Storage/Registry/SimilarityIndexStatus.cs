using System.Buffers.Binary;

namespace Ledger.Storage.Registry;

/// <summary>
/// What the similarity index covers, stored under <see cref="SimilarityIndexKeys.Status"/>:
/// <code>
/// 0x01 format | substring count | phase (0 complete, 1 backfilling) | height, uint64 BE | cursor (the rest)
/// </code>
/// Complete: every image of the state at applied height <see cref="Height"/> is indexed; each block
/// rewrites it in the same write batch as its state, so a state replaced underneath (a snapshot
/// install) shows as a height that is not the state's. Backfilling: the images of the state at
/// <see cref="Height"/> are being indexed in state key order; those at state keys up to
/// <see cref="Cursor"/> are done (empty: none yet).
/// </summary>
internal sealed record SimilarityIndexStatus(int SubstringCount, bool Complete, ulong Height, byte[] Cursor)
{
    private const byte FormatVersion = 0x01;
    private const int HeaderBytes = 3 + sizeof(ulong);

    public byte[] Encode()
    {
        var value = new byte[HeaderBytes + Cursor.Length];
        value[0] = FormatVersion;
        value[1] = (byte)SubstringCount;
        value[2] = Complete ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(3), Height);
        Cursor.CopyTo(value, HeaderBytes);
        return value;
    }

    /// <summary>The decoded status, or null when <paramref name="value"/> is not one (the caller rebuilds).</summary>
    public static SimilarityIndexStatus? TryDecode(byte[]? value)
    {
        if (value is null || value.Length < HeaderBytes || value[0] != FormatVersion || value[2] > 1)
        {
            return null;
        }

        return new SimilarityIndexStatus(value[1], value[2] == 0, BinaryPrimitives.ReadUInt64BigEndian(value.AsSpan(3)), value[HeaderBytes..]);
    }
}
