using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Ledger.Node.Tests.Web;

/// <summary>
/// Reads the web listener's JSON back into proto messages. The transcoder writes 64-bit integers as
/// JSON numbers with every digit (not as the strings the proto3 mapping prefers); Google.Protobuf's
/// parser reads numbers through a double, so each integer is quoted first (the mapping accepts
/// integers as strings) and no digit is lost on the way back either.
/// </summary>
public static class ProtoJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static T Parse<T>(JsonElement json)
        where T : IMessage<T>, new() => Parse<T>(json.GetRawText());

    public static T Parse<T>(string json)
        where T : IMessage<T>, new()
    {
        var node = JsonNode.Parse(json);
        return Parser.Parse<T>(QuoteIntegers(node)?.ToJsonString() ?? "null");
    }

    private static JsonNode? QuoteIntegers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    obj[name] = QuoteIntegers(obj[name]?.DeepClone());
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = QuoteIntegers(array[i]?.DeepClone());
                }

                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var text = value.ToJsonString();
                return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase) ? value.DeepClone() : JsonValue.Create(text);
            default:
                return node?.DeepClone();
        }
    }
}
