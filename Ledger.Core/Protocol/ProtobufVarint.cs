namespace Ledger.Core.Protocol;

/// <summary>
/// Reads one protobuf base-128 varint from raw bytes, for the few places that look at a message's
/// fields without a full parse (a follower reading an entry's stamp before acknowledging it, the
/// evidence verifier reading an envelope's fields as signed).
/// </summary>
public static class ProtobufVarint
{
    /// <summary>Reads the varint at <paramref name="position"/> and advances past it; false when the bytes end first or it runs past 64 bits.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
