using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Core.Consortium;
using Ledger.Cli.Witness;

namespace Ledger.Cli.Infrastructure;

/// <summary>One named connection context: where the node is and what to trust and sign with (like a kubectl context).</summary>
public sealed class CliContext
{
    [JsonPropertyName("endpoints")]
    public List<string>? Endpoints { get; set; }

    [JsonPropertyName("tlsCa")]
    public string? TlsCa { get; set; }

    [JsonPropertyName("genesis")]
    public string? Genesis { get; set; }

    [JsonPropertyName("key")]
    public string? Key { get; set; }
}

/// <summary>
/// The CLI's config file: named contexts and the current one. It lives at <c>$LEDGER_CONFIG</c>, else
/// <c>$XDG_CONFIG_HOME/ledger/config.json</c>, else <c>~/.config/ledger/config.json</c>. Bounds, checked
/// at every load (<see cref="Validate"/>): at most <see cref="FileBytesMax"/> bytes, <see cref="ContextsMax"/>
/// contexts named as genesis identifiers, <see cref="EndpointsMax"/> endpoints each, every value at most
/// <see cref="ValueCharsMax"/> characters. It is written whole to a temporary file created 0600, fsynced and
/// renamed over the old one (the directory is created 0700), so a crash leaves the old file or the new one.
/// </summary>
public sealed class CliConfig
{
    public const int FileBytesMax = 1024 * 1024;
    public const int ContextsMax = 64;
    public const int EndpointsMax = 16;
    public const int ValueCharsMax = 4096;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    [JsonPropertyName("currentContext")]
    public string? CurrentContext { get; set; }

    [JsonPropertyName("contexts")]
    public SortedDictionary<string, CliContext> Contexts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where the config file is (it need not exist).</summary>
    public static string PathFromEnvironment()
    {
        if (CliEnvironment.Variable("LEDGER_CONFIG") is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }

        var configHome = CliEnvironment.Variable("XDG_CONFIG_HOME") is { } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(CliEnvironment.Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "ledger", "config.json");
    }

    /// <summary>The config at <paramref name="path"/>; an empty one when there is no file.</summary>
    public static CliConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new CliConfig();
        }

        var bytes = Files.ReadAllBytes(path, FileBytesMax, "config file");
        CliConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<CliConfig>(bytes, JsonOptions);
        }
        catch (JsonException e)
        {
            throw CliException.InvalidInput($"config file {path} is not valid JSON ({e.Message}); fix or delete it");
        }

        config ??= new CliConfig();
        config.Contexts ??= new SortedDictionary<string, CliContext>(StringComparer.Ordinal);
        if (config.Validate() is { } problem)
        {
            throw CliException.InvalidInput($"config file {path}: {problem}");
        }

        return config;
    }

    /// <summary>Writes the config atomically, owner-only (see the class remarks).</summary>
    public void Save(string path)
    {
        if (Validate() is { } problem)
        {
            throw CliException.Usage(problem);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);
        if (bytes.Length > FileBytesMax)
        {
            throw CliException.Usage($"the config would be {bytes.Length} bytes, more than {FileBytesMax}");
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        SyncDirectory(directory);
    }

    /// <summary>The first bound this config breaks, or null.</summary>
    public string? Validate()
    {
        if (Contexts.Count > ContextsMax)
        {
            return $"{Contexts.Count} contexts, more than {ContextsMax}";
        }

        if (CurrentContext is { } current && CheckName(current) is { } badCurrent)
        {
            return $"currentContext: {badCurrent}";
        }

        foreach (var (name, context) in Contexts)
        {
            if (CheckName(name) is { } badName)
            {
                return badName;
            }

            if (context is null)
            {
                return $"context '{name}' is null";
            }

            if (context.Endpoints is { } endpoints)
            {
                if (endpoints.Count > EndpointsMax)
                {
                    return $"context '{name}' has {endpoints.Count} endpoints, more than {EndpointsMax}";
                }

                foreach (var endpoint in endpoints)
                {
                    if (CheckValue(endpoint, $"context '{name}' endpoint") is { } bad)
                    {
                        return bad;
                    }
                }
            }

            var problem = CheckValue(context.TlsCa, $"context '{name}' tlsCa") ?? CheckValue(context.Genesis, $"context '{name}' genesis") ?? CheckValue(context.Key, $"context '{name}' key");
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="name"/> is not a context name, or null.</summary>
    public static string? CheckName(string? name) => name is not null && ConsortiumGenesis.IsValidIdentifier(name)
        ? null
        : $"context name '{Printable(name)}' is not 1-{ConsortiumGenesis.IdentifierBytesMax} characters of [A-Za-z0-9._:-]";

    private static string? CheckValue(string? value, string what) => value switch
    {
        null => null,
        { Length: 0 } => $"{what} is empty",
        { Length: > ValueCharsMax } => $"{what} is {value.Length} characters, more than {ValueCharsMax}",
        _ when value.Any(char.IsControl) => $"{what} holds a control character",
        _ => null,
    };

    private static string Printable(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var c in value.Length > 64 ? value[..64] : value)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return text.ToString();
    }

    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var descriptor = DirectorySync.Open(directory, DirectorySync.ReadOnlyDirectoryFlags);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open {directory} to make the config's rename durable");
        }

        try
        {
            if (DirectorySync.Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of {directory} failed");
            }
        }
        finally
        {
            _ = DirectorySync.Close(descriptor);
        }
    }
}
