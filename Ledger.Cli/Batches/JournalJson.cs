using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Cli.Batches;

/// <summary>
/// How the journal's JSON (run.json, state.json, entry headers) is read: a damaged or edited file must
/// end in the CLI's "journal damaged"/invalid-input error, so duplicate property names are a parse error
/// (by default the serializer keeps the last one and <see cref="JsonObject"/> throws an ArgumentException
/// when it first indexes them), and a parse error is reported by position only (the parser's message
/// quotes the file's own text).
/// </summary>
internal static class JournalJson
{
    public static readonly JsonSerializerOptions Serializer = new() { AllowDuplicateProperties = false };

    private static readonly JsonDocumentOptions Document = new() { AllowDuplicateProperties = false };

    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<T>(utf8, Serializer);

    public static JsonNode? ParseNode(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: Document);

    /// <summary>Where a parse failed: line and byte, 1-based.</summary>
    public static string Position(JsonException exception) =>
        exception.LineNumber is { } line ? $"line {line + 1}, byte {exception.BytePositionInLine + 1}" : "unknown position";
}
