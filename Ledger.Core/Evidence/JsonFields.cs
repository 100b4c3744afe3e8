using System.Globalization;
using System.Text.Json;

namespace Ledger.Core.Evidence;

/// <summary>
/// Strict readers for evidence JSON: every object must have exactly the expected members (no
/// unknown, missing or duplicate names), numbers and binary strings must be in their one canonical
/// spelling. So no two different files decode to the same bundle, and a changed byte is never
/// silently ignored.
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> members = new(StringComparer.Ordinal);
    private readonly string path;

    private JsonFields(string path)
    {
        this.path = path;
    }

    public static JsonFields Of(JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new EvidenceFormatException($"{path} must be a JSON object, was {element.ValueKind}");
        }

        var fields = new JsonFields(path);
        foreach (var property in element.EnumerateObject())
        {
            if (System.Array.IndexOf(allowed, property.Name) < 0)
            {
                throw new EvidenceFormatException($"{path} has unknown member '{property.Name}'");
            }

            if (!fields.members.TryAdd(property.Name, property.Value))
            {
                throw new EvidenceFormatException($"{path} has member '{property.Name}' twice");
            }
        }

        foreach (var name in allowed)
        {
            if (!fields.members.ContainsKey(name))
            {
                throw new EvidenceFormatException($"{path} lacks member '{name}'");
            }
        }

        return fields;
    }

    public string Path(string name) => $"{path}.{name}";

    public JsonElement Element(string name) => members[name];

    public string String(string name)
    {
        var value = members[name];
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new EvidenceFormatException($"{Path(name)} must be a string");
        }

        return value.GetString()!;
    }

    public ulong UInt64(string name)
    {
        var value = members[name];
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var number)
            || value.GetRawText() != number.ToString(CultureInfo.InvariantCulture))
        {
            throw new EvidenceFormatException($"{Path(name)} must be a non-negative integer in plain decimal");
        }

        return number;
    }

    public uint UInt32(string name)
    {
        var number = UInt64(name);
        return number <= uint.MaxValue ? (uint)number : throw new EvidenceFormatException($"{Path(name)} exceeds {uint.MaxValue}");
    }

    public long Int64(string name)
    {
        var value = members[name];
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number)
            || value.GetRawText() != number.ToString(CultureInfo.InvariantCulture))
        {
            throw new EvidenceFormatException($"{Path(name)} must be an integer in plain decimal");
        }

        return number;
    }

    /// <summary>Lower-case hex, possibly empty.</summary>
    public byte[] Hex(string name) => ParseHex(String(name), Path(name));

    public byte[] Base64(string name) => ParseBase64(String(name), Path(name));

    public JsonElement Array(string name)
    {
        var value = members[name];
        return value.ValueKind == JsonValueKind.Array ? value : throw new EvidenceFormatException($"{Path(name)} must be an array");
    }

    public static byte[] ParseHex(string text, string path)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new EvidenceFormatException($"{path} is not hex");
        }

        return Convert.ToHexStringLower(bytes) == text ? bytes : throw new EvidenceFormatException($"{path} must be lower-case hex");
    }

    public static byte[] ParseBase64(string text, string path)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new EvidenceFormatException($"{path} is not base64");
        }

        return Convert.ToBase64String(bytes) == text ? bytes : throw new EvidenceFormatException($"{path} is not canonical base64 (padded, no whitespace, zero trailing bits)");
    }
}
