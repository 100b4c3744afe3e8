using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Cli.Infrastructure;

/// <summary>Where a command writes: results to <see cref="Out"/> (text or one JSON document), diagnostics to <see cref="Error"/>.</summary>
public sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public CliOutput(TextWriter output, TextWriter error, OutputFormat format, bool interactive)
    {
        Out = output;
        Error = error;
        Format = format;
        Interactive = interactive;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public OutputFormat Format { get; }

    public bool IsJson => Format == OutputFormat.Json;

    /// <summary>True when stderr is a terminal a human watches: only then are progress bars drawn.</summary>
    public bool Interactive { get; }

    public void Json(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Out.WriteLine(node.ToJsonString(JsonOptions));
    }

    /// <summary>Writes <paramref name="json"/> in JSON mode, or the text lines otherwise.</summary>
    public void Result(JsonNode json, params string[] textLines)
    {
        if (IsJson)
        {
            Json(json);
            return;
        }

        foreach (var line in textLines)
        {
            Out.WriteLine(line);
        }
    }
}
