namespace Ledger.Fuzz.Evidence;

/// <summary>One field of a protobuf message as it sits on the wire, with optional over-long (non-canonical) varint padding.</summary>
public sealed class WireField
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    public required int Number { get; set; }

    public required int WireType { get; set; }

    /// <summary>The value of a varint or fixed field.</summary>
    public ulong Value { get; set; }

    /// <summary>The payload of a length-delimited field.</summary>
    public byte[] Payload { get; set; } = [];

    /// <summary>Extra continuation bytes written into the tag, the length or the varint value (0 = canonical).</summary>
    public int TagPadding { get; set; }

    public int LengthPadding { get; set; }

    public int ValuePadding { get; set; }

    public WireField Clone() => (WireField)MemberwiseClone();
}

/// <summary>
/// A schema-less protobuf reader and writer (varint, fixed64, length-delimited, fixed32; no groups),
/// so the fuzzer can change a message field by field, including in ways Google.Protobuf never writes.
/// </summary>
public static class WireMessage
{
    public const int FieldNumberMax = 536_870_911;

    /// <returns>The fields, or null when the bytes are not a sequence of well-formed fields.</returns>
    public static List<WireField>? TryParse(ReadOnlySpan<byte> bytes)
    {
        var fields = new List<WireField>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (!TryReadVarint(bytes, ref at, out var tag) || tag >> 3 is 0 or > FieldNumberMax)
            {
                return null;
            }

            var field = new WireField { Number = (int)(tag >> 3), WireType = (int)(tag & 7) };
            switch (field.WireType)
            {
                case WireField.Varint:
                    if (!TryReadVarint(bytes, ref at, out var value))
                    {
                        return null;
                    }

                    field.Value = value;
                    break;
                case WireField.Fixed64 when at + 8 <= bytes.Length:
                    field.Value = BitConverter.ToUInt64(bytes.Slice(at, 8));
                    at += 8;
                    break;
                case WireField.Fixed32 when at + 4 <= bytes.Length:
                    field.Value = BitConverter.ToUInt32(bytes.Slice(at, 4));
                    at += 4;
                    break;
                case WireField.LengthDelimited:
                    if (!TryReadVarint(bytes, ref at, out var length) || length > (ulong)(bytes.Length - at))
                    {
                        return null;
                    }

                    field.Payload = bytes.Slice(at, (int)length).ToArray();
                    at += (int)length;
                    break;
                default:
                    return null;
            }

            fields.Add(field);
        }

        return fields;
    }

    public static byte[] Write(IEnumerable<WireField> fields)
    {
        var output = new List<byte>();
        foreach (var field in fields)
        {
            WriteVarint(output, ((ulong)(uint)field.Number << 3) | (uint)field.WireType, field.TagPadding);
            switch (field.WireType)
            {
                case WireField.Varint:
                    WriteVarint(output, field.Value, field.ValuePadding);
                    break;
                case WireField.Fixed64:
                    output.AddRange(BitConverter.GetBytes(field.Value));
                    break;
                case WireField.Fixed32:
                    output.AddRange(BitConverter.GetBytes((uint)field.Value));
                    break;
                default:
                    WriteVarint(output, (ulong)field.Payload.Length, field.LengthPadding);
                    output.AddRange(field.Payload);
                    break;
            }
        }

        return [.. output];
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            if (shift < 64)
            {
                value |= (ulong)(b & 0x7F) << shift;
            }

            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="value"/> as a varint, <paramref name="padding"/> bytes longer than needed (0x80 continuations then 0x00).</summary>
    private static void WriteVarint(List<byte> output, ulong value, int padding)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        if (padding == 0)
        {
            output.Add((byte)value);
            return;
        }

        output.Add((byte)(value | 0x80));
        for (var i = 1; i < padding; i++)
        {
            output.Add(0x80);
        }

        output.Add(0x00);
    }
}
