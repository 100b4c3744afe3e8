using System.Text;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// Structural protobuf mutations: varints at their bounds, unknown, repeated, removed, reordered and
/// re-typed fields, over-long (non-canonical) varints, payload bytes and strings (invalid UTF-8, odd
/// Unicode), recursing into length-delimited fields that are themselves messages.
/// </summary>
public static class WireMutations
{
    public const int NestingDepthMax = 4;

    private static readonly ulong[] VarintBounds =
        [0, 1, 2, 127, 128, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 1UL << 53, (1UL << 53) + 1, long.MaxValue, 1UL << 63, ulong.MaxValue];

    private static readonly int[] OddFieldNumbers = [1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 99, 2047, WireMessage.FieldNumberMax];

    private static readonly byte[][] OddPayloads =
    [
        [], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x00],
        Encoding.UTF8.GetBytes("e\u0301"), Encoding.UTF8.GetBytes("\u202Esample-chain"), Encoding.UTF8.GetBytes("sample-chain\u0000"),
        Encoding.UTF8.GetBytes("😀"), new byte[33], new byte[32], new byte[65],
    ];

    /// <summary>Changes <paramref name="fields"/> in place; returns what was done.</summary>
    public static string Mutate(List<WireField> fields, Random random, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(random);
        var nested = fields.Where(f => f.WireType == WireField.LengthDelimited && f.Payload.Length > 0 && WireMessage.TryParse(f.Payload) is { Count: > 0 }).ToList();
        if (depth < NestingDepthMax && nested.Count > 0 && random.Next(3) == 0)
        {
            var field = nested[random.Next(nested.Count)];
            var inner = WireMessage.TryParse(field.Payload)!;
            var what = Mutate(inner, random, depth + 1);
            field.Payload = WireMessage.Write(inner);
            return $"#{field.Number}.{what}";
        }

        if (fields.Count == 0)
        {
            fields.Add(new WireField { Number = OddFieldNumbers[random.Next(OddFieldNumbers.Length)], WireType = WireField.Varint, Value = 1 });
            return "add field to empty message";
        }

        var target = fields[random.Next(fields.Count)];
        switch (random.Next(10))
        {
            case 0:
                if (target.WireType == WireField.Varint)
                {
                    target.Value = random.Next(4) == 0 ? target.Value + 1 : VarintBounds[random.Next(VarintBounds.Length)];
                    return $"#{target.Number} varint={target.Value}";
                }

                target.Payload = OddPayloads[random.Next(OddPayloads.Length)];
                return $"#{target.Number} payload={Convert.ToHexStringLower(target.Payload)}";
            case 1:
                var unknown = new WireField { Number = OddFieldNumbers[random.Next(OddFieldNumbers.Length)], WireType = random.Next(2) == 0 ? WireField.Varint : WireField.LengthDelimited, Value = 1, Payload = [0x01] };
                fields.Insert(random.Next(fields.Count + 1), unknown);
                return $"insert field #{unknown.Number} wire type {unknown.WireType}";
            case 2:
                fields.Insert(fields.IndexOf(target) + random.Next(2), target.Clone());
                return $"repeat #{target.Number}";
            case 3:
                fields.Remove(target);
                return $"remove #{target.Number}";
            case 4:
                var padded = random.Next(3);
                var extra = 1 + random.Next(3);
                if (padded == 0)
                {
                    target.TagPadding = extra;
                }
                else if (target.WireType == WireField.LengthDelimited)
                {
                    target.LengthPadding = extra;
                }
                else
                {
                    target.ValuePadding = extra;
                }

                return $"#{target.Number} over-long {(padded == 0 ? "tag" : "value/length")} +{extra}";
            case 5:
                var other = fields[random.Next(fields.Count)];
                var (a, b) = (fields.IndexOf(target), fields.IndexOf(other));
                (fields[a], fields[b]) = (fields[b], fields[a]);
                return $"swap #{target.Number} and #{other.Number}";
            case 6:
                target.WireType = target.WireType == WireField.LengthDelimited ? WireField.Varint : WireField.LengthDelimited;
                target.Payload = target.WireType == WireField.LengthDelimited ? [(byte)target.Value] : target.Payload;
                return $"#{target.Number} as wire type {target.WireType}";
            case 7 when target.WireType == WireField.LengthDelimited && target.Payload.Length > 0:
                var payload = (byte[])target.Payload.Clone();
                payload[random.Next(payload.Length)] ^= (byte)(1 << random.Next(8));
                target.Payload = payload;
                return $"#{target.Number} payload bit flip";
            case 8 when target.WireType == WireField.LengthDelimited:
                target.Payload = [.. target.Payload, .. OddPayloads[random.Next(OddPayloads.Length)]];
                return $"#{target.Number} payload appended";
            default:
                target.Number = OddFieldNumbers[random.Next(OddFieldNumbers.Length)];
                return $"renumber to #{target.Number}";
        }
    }
}
