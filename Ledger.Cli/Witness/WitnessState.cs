using System.Text;
using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Checkpoints;

namespace Ledger.Cli.Witness;

/// <summary>
/// The witness's memory: the last checkpoint it cosigned (the signed note, its cosignature
/// included), as JSON {"format": "ledger-witness-state/v1", "cosigned": "&lt;signed note&gt;"}.
/// Written atomically (temp file, fsync, rename, directory fsync), so a crash leaves the old or
/// the new state, never a torn one: a witness that forgot what it cosigned could be led to cosign a fork.
/// </summary>
public static class WitnessState
{
    public const string FormatName = "ledger-witness-state/v1";

    /// <summary>A state file holds one note plus a little JSON.</summary>
    public const int FileBytesMax = 2 * NoteLimits.NoteBytesMax;

    /// <summary>The last cosigned note, or null when the file does not exist (a new witness).</summary>
    public static SignedNote? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > FileBytesMax)
        {
            throw new NoteFormatException($"witness state {path} is larger than {FileBytesMax} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.GetString() != FormatName
                || !root.TryGetProperty("cosigned", out var cosigned) || cosigned.ValueKind != JsonValueKind.String)
            {
                throw new NoteFormatException($"witness state {path} is not a {FormatName} document");
            }

            return SignedNote.Parse(cosigned.GetString()!);
        }
        catch (JsonException exception)
        {
            throw new NoteFormatException($"witness state {path} is not valid JSON: {exception.Message}", exception);
        }
    }

    public static void Save(string path, SignedNote cosigned)
    {
        ArgumentNullException.ThrowIfNull(cosigned);
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["format"] = FormatName, ["cosigned"] = cosigned.Format() }, new JsonSerializerOptions { WriteIndented = true }) + "\n";
        DurableFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(json)));
    }
}
