using System.Text;
using System.Text.Json;

namespace Ledger.Core.Tests.Web;

/// <summary>Writes one fixture document: indented, "\n" line ends, a final newline, so runs compare byte for byte.</summary>
internal static class FixtureJson
{
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            writer.WriteString("generatedBy", "tests/Ledger.Core.Tests/Web/JsFixtures*.cs (regenerate: dotnet test --filter JsFixturesTests.WriteFixtures; do not edit)");
            body(writer);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    public static void Hex(this Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes) => writer.WriteString(name, Convert.ToHexStringLower(bytes));

    /// <summary>Writes null or the value as a decimal string (64-bit integers do not survive JSON numbers in JS).</summary>
    public static void Decimal(this Utf8JsonWriter writer, string name, ulong? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
