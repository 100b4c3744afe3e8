using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// JSON-level mutations of a document (a bundle, or the genesis inside it): members changed, removed,
/// added, duplicated and re-typed; numbers at their bounds (0, 2^53, 2^63, 2^64-1, negative,
/// overflowing, fractional, exponent); strings with odd Unicode and invalid UTF-8; hex and base64 in
/// non-canonical forms. Values that <see cref="JsonNode"/> cannot hold (duplicate members, lone
/// surrogates, invalid UTF-8, huge numbers) go in as raw bytes through <see cref="RawJson"/>.
/// </summary>
public static class JsonMutations
{
    private static readonly string[] RawNumbers =
    [
        "0", "-0", "1", "2", "3", "-1", "4294967295", "4294967296", "2147483648", "9007199254740991", "9007199254740992", "9007199254740993",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775809",
        "1e2", "1E400", "1.0", "0.5", "-0.0", "01", "1e-400", "123456789012345678901234567890",
    ];

    private static readonly string[] RawStrings =
    [
        "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"\\uFEFF\"", "\"é\"", "\"e\\u0301\"", "\"\\u202e\"",
        "\"\\\\\"", "\"a\\/b\"", "\"\\u0041\"", "\"node-1\"", "\"ed25519\"", "\"p256-sha256\"", "\"sm2-sm3\"", "\"admin\"", "\"sample-chain\"",
    ];

    private static readonly string[] RawOthers = ["null", "true", "false", "[]", "{}", "[null]", "[\"\"]", "{\"\":0}", "[[[[[[[[[0]]]]]]]]]"];

    private static readonly byte[][] RawInvalidUtf8Strings =
    [
        [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x61, 0x00, 0x22], [0x22, 0xE2, 0x82, 0x22],
    ];

    private sealed record Slot(JsonNode? Parent, string? Key, int Index, JsonNode? Value, string Path);

    /// <summary>Changes <paramref name="root"/> (an object) once; returns what was done.</summary>
    public static string Mutate(JsonObject root, Random random, RawJson raw)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(raw);
        var slots = new List<Slot>();
        Collect(root, null, null, -1, "$", slots);
        if (slots.Count == 1)
        {
            root["unknownMember"] = 0;
            return "$: unknown member added to an empty object";
        }

        var slot = slots[1 + random.Next(slots.Count - 1)];
        var value = slot.Value;
        string what;
        switch (random.Next(8))
        {
            case 0:
                what = Replace(slot, raw.Add(Encoding.UTF8.GetBytes(RawNumbers[random.Next(RawNumbers.Length)])));
                break;
            case 1:
                what = random.Next(4) == 0
                    ? Replace(slot, raw.Add(RawInvalidUtf8Strings[random.Next(RawInvalidUtf8Strings.Length)]))
                    : Replace(slot, raw.Add(Encoding.UTF8.GetBytes(RawStrings[random.Next(RawStrings.Length)])));
                break;
            case 2:
                what = Replace(slot, raw.Add(Encoding.UTF8.GetBytes(RawOthers[random.Next(RawOthers.Length)])));
                break;
            case 3 when value is JsonValue && value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var changed = IsHex(text) ? HexVariant(text, random) : Base64Variant(text, random);
                what = Replace(slot, JsonValue.Create(changed.Text)) + $" ({changed.What})";
                break;
            case 4 when value is JsonObject obj && obj.Count > 0:
                var member = obj.ElementAt(random.Next(obj.Count)).Key;
                what = random.Next(3) switch
                {
                    0 => RemoveMember(obj, member, slot.Path),
                    1 => DuplicateMember(obj, member, raw, slot.Path),
                    _ => RenameMember(obj, member, slot.Path),
                };
                break;
            case 5 when value is JsonArray array && array.Count > 0:
                var i = random.Next(array.Count);
                switch (random.Next(4))
                {
                    case 0:
                        array.RemoveAt(i);
                        what = $"{slot.Path}[{i}] removed";
                        break;
                    case 1:
                        array.Insert(i, array[i]?.DeepClone());
                        what = $"{slot.Path}[{i}] repeated";
                        break;
                    case 2:
                        var j = random.Next(array.Count);
                        var (a, b) = (array[i]?.DeepClone(), array[j]?.DeepClone());
                        array[i] = b;
                        array[j] = a;
                        what = $"{slot.Path}[{i}] and [{j}] swapped";
                        break;
                    default:
                        array.Clear();
                        what = $"{slot.Path} emptied";
                        break;
                }

                break;
            case 6 when slot.Parent is JsonObject parent:
                parent.Remove(slot.Key!);
                what = $"{slot.Path} removed";
                break;
            case 7 when value is JsonValue && value.GetValueKind() == JsonValueKind.Number:
                var number = value.GetValue<decimal>();
                what = Replace(slot, raw.Add(Encoding.UTF8.GetBytes((random.Next(3) switch { 0 => number + 1, 1 => number - 1, _ => -number }).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                break;
            default:
                if (slot.Parent is JsonObject withUnknown)
                {
                    withUnknown["unknownMember"] = 0;
                    what = $"{slot.Path}: unknown member added beside it";
                }
                else
                {
                    what = Replace(slot, null);
                }

                break;
        }

        return raw.Describe(what);
    }

    /// <summary>
    /// The document as a mutable object, or null when it is not a JSON object this fuzzer can edit:
    /// not JSON, not an object, or holding strings or member names that do not decode (invalid UTF-8,
    /// lone surrogate escapes), which <see cref="JsonNode"/> only finds when it reads them.
    /// </summary>
    public static JsonObject? TryParseObject(byte[] bytes)
    {
        try
        {
            if (JsonNode.Parse(bytes) is not JsonObject root)
            {
                return null;
            }

            Materialize(root);
            return root;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Materialize(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Materialize(child);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }

    /// <summary>Serializes <paramref name="node"/> compactly (no escaping beyond JSON's own), splicing in <paramref name="raw"/>'s values.</summary>
    public static byte[] Write(JsonNode node, RawJson raw)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(raw);
        var bytes = Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return raw.Splice(bytes);
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, string path, List<Slot> slots)
    {
        slots.Add(new Slot(parent, key, index, node, path));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    Collect(child, obj, name, -1, $"{path}.{name}", slots);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], array, null, i, $"{path}[{i}]", slots);
                }

                break;
        }
    }

    private static string Replace(Slot slot, JsonNode? value)
    {
        if (slot.Parent is JsonObject obj)
        {
            obj[slot.Key!] = value;
        }
        else if (slot.Parent is JsonArray array)
        {
            array[slot.Index] = value;
        }

        return $"{slot.Path} = {(value is null ? "null" : value.ToJsonString())}";
    }

    private static string RemoveMember(JsonObject obj, string member, string path)
    {
        obj.Remove(member);
        return $"{path}.{member} removed";
    }

    private static string DuplicateMember(JsonObject obj, string member, RawJson raw, string path)
    {
        // "member": VALUE becomes "member": VALUE, "member": VALUE (the same value twice).
        var value = obj[member]?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";
        obj[member] = raw.Add(Encoding.UTF8.GetBytes($"{value},{JsonSerializer.Serialize(member)}:{value}"));
        return $"{path}.{member} duplicated";
    }

    private static string RenameMember(JsonObject obj, string member, string path)
    {
        var value = obj[member];
        obj.Remove(member);
        var renamed = char.IsUpper(member[0]) ? char.ToLowerInvariant(member[0]) + member[1..] : char.ToUpperInvariant(member[0]) + member[1..];
        obj[renamed] = value;
        return $"{path}.{member} renamed {renamed}";
    }

    private static bool IsHex(string text) => text.Length > 0 && text.Length % 2 == 0 && text.All(char.IsAsciiHexDigitLower);

    private static (string Text, string What) HexVariant(string hex, Random random) => random.Next(9) switch
    {
        0 => (hex.ToUpperInvariant(), "upper-case hex"),
        1 => (hex[..^1], "odd-length hex"),
        2 => (hex[..^2], "one byte short"),
        3 => (hex + "00", "one byte long"),
        4 => ("0x" + hex, "0x prefix"),
        5 => (hex[..2] + " " + hex[2..], "space inside"),
        6 => (hex[..^1] + (hex[^1] == '0' ? '1' : '0'), "last nibble flipped"),
        7 => (new string('0', hex.Length), "all zeros"),
        _ => (hex[..^1] + "g", "non-hex digit"),
    };

    private static (string Text, string What) Base64Variant(string text, Random random)
    {
        byte[]? bytes = null;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            // Not base64: a plain string.
        }

        if (bytes is null || bytes.Length == 0)
        {
            return random.Next(3) switch
            {
                0 => (text + "x", "appended x"),
                1 => (text.ToUpperInvariant(), "upper case"),
                _ => (text + "\u0301", "combining accent appended"),
            };
        }

        switch (random.Next(10))
        {
            case 0:
                return (text.TrimEnd('='), "base64 without padding");
            case 1:
                return (text.Replace('+', '-').Replace('/', '_'), "base64url alphabet");
            case 2:
                return (text[..4] + "\n" + text[4..], "newline inside base64");
            case 3:
                return (text + "=", "extra padding");
            case 4:
                return (NonZeroTrailingBits(text), "non-zero trailing bits");
            case 5:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (Convert.ToBase64String(bytes), "decoded bit flip");
            case 6:
                return (Convert.ToBase64String(bytes[..^1]), "decoded truncated by one byte");
            case 7:
                return (Convert.ToBase64String([.. bytes, 0]), "decoded extended by a zero byte");
            case 8:
                return (" " + text, "leading space");
            default:
                return (Convert.ToBase64String(bytes[..(bytes.Length / 2)]), "decoded cut in half");
        }
    }

    /// <summary>The same bytes with the unused low bits of the last base64 digit set (a non-canonical spelling), when there are such bits.</summary>
    private static string NonZeroTrailingBits(string text)
    {
        var padding = text.Length - text.TrimEnd('=').Length;
        if (padding == 0)
        {
            return text + "A";
        }

        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var last = text.Length - padding - 1;
        var digit = Alphabet.IndexOf(text[last], StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, last), Alphabet[digit | 1].ToString(), text.AsSpan(last + 1));
    }
}

/// <summary>Raw JSON bytes to splice into a serialized document where a placeholder string stands.</summary>
public sealed class RawJson
{
    private readonly List<byte[]> values = [];

    public JsonNode Add(byte[] rawValue)
    {
        values.Add(rawValue);
        return JsonValue.Create(Placeholder(values.Count - 1));
    }

    public byte[] Splice(byte[] document)
    {
        var result = document;
        for (var i = 0; i < values.Count; i++)
        {
            var placeholder = Encoding.UTF8.GetBytes($"\"{Placeholder(i)}\"");
            var at = result.AsSpan().IndexOf(placeholder);
            if (at >= 0)
            {
                result = [.. result.AsSpan(0, at), .. values[i], .. result.AsSpan(at + placeholder.Length)];
            }
        }

        return result;
    }

    /// <summary><paramref name="text"/> with each placeholder replaced by its raw value (invalid UTF-8 shown as \\xNN).</summary>
    public string Describe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < values.Count; i++)
        {
            var shown = new StringBuilder();
            foreach (var b in values[i])
            {
                shown.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
            }

            text = text.Replace($"\"{Placeholder(i)}\"", shown.ToString(), StringComparison.Ordinal);
        }

        return text;
    }

    private static string Placeholder(int index) => $"@@raw-json-{index}@@";
}
