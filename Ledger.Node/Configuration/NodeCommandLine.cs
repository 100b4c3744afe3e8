using System.Text;

namespace Ledger.Node.Configuration;

/// <summary>What the command line asks for: run a node, or print the help or the version and exit.</summary>
public enum NodeCommand
{
    Run,
    Help,
    Version,
}

/// <summary>
/// Checks the node's arguments before any configuration is read: every argument must be a known flag
/// (<see cref="CommandLineFlags"/>), a value of one, or a long-form <c>--Node:Key</c> / <c>--Logging:Key</c>.
/// A mistyped flag (<c>--genisis</c>) is an error naming the flags there are, never a setting silently ignored.
/// </summary>
public static class NodeCommandLine
{
    /// <summary>Arguments read at most (a real command line has a few dozen).</summary>
    public const int ArgumentsMax = 1_000;

    /// <summary>Throws <see cref="NodeConfigurationException"/> for an unknown flag or a stray argument.</summary>
    public static NodeCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count > ArgumentsMax)
        {
            throw new NodeConfigurationException($"at most {ArgumentsMax} arguments, was {args.Count}");
        }

        var command = NodeCommand.Run;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? arg : arg[..separator];
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    command = NodeCommand.Help;
                    continue;
                case "--version":
                    command = command == NodeCommand.Help ? command : NodeCommand.Version;
                    continue;
            }

            if (CommandLineFlags.Switches.ContainsKey(name))
            {
                continue;
            }

            if (CommandLineFlags.Map.ContainsKey(name) || IsLongForm(name))
            {
                if (separator < 0)
                {
                    // The value is the next argument; a flag in its place means the value was left out.
                    if (i + 1 >= args.Count || IsFlag(args[i + 1]))
                    {
                        throw new NodeConfigurationException($"{name} needs a value ({name} VALUE or {name}=VALUE)");
                    }

                    i++;
                }

                continue;
            }

            if (IsFlag(arg))
            {
                throw new NodeConfigurationException($"unknown flag '{Cut(name)}'{Suggestion(name)}; known flags: {string.Join(' ', KnownFlagNames())} and --Node:Key=value (see --help)");
            }

            throw new NodeConfigurationException($"unexpected argument '{Cut(arg)}' (flags start with --; see --help)");
        }

        return command;
    }

    /// <summary>The text <c>--help</c> prints.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder();
        text.Append("Usage: Ledger.Node [flags]\n\n");
        text.Append("Without --genesis, --node-id, --node-key or --data-dir: a single-node development ledger in ./data.\n");
        text.Append("A production node: --genesis FILE --node-id ID --node-key FILE --data-dir DIR (and TLS for several nodes).\n\n");
        text.Append("Flags:\n");
        foreach (var flag in CommandLineFlags.ValueFlags.Concat(CommandLineFlags.SwitchFlags).Concat(CommandLineFlags.InformationFlags))
        {
            var left = flag.ValueName.Length == 0 ? flag.Name : $"{flag.Name} {flag.ValueName}";
            text.Append("  ").Append(left.PadRight(30)).Append(' ').Append(flag.Description).Append('\n');
        }

        text.Append('\n');
        text.Append("Every setting is also a configuration key: --Node:Key=value on the command line, \"Node\": { \"Key\": value }\n");
        text.Append("in appsettings.json, or LEDGER_Node__Key=value in the environment (nested: Node:Api:ConnectionsMax).\n");
        text.Append("Unknown flags and unknown keys under Node are errors. The keys are listed in docs/configuration.md.\n");
        text.Append("Exit codes: 0 stopped, 2 configuration, 3 storage, 4 local disk damage found, 5 inconsistent Raft state.\n");
        return text.ToString();
    }

    /// <summary>The line <c>--version</c> prints.</summary>
    public static string VersionText() => $"Ledger.Node {NodeVersion.Software} (storage format {NodeVersion.StorageFormat})";

    private static bool IsLongForm(string name)
    {
        foreach (var section in CommandLineFlags.LongFormSections)
        {
            if (name.Length > section.Length + 3
                && name.StartsWith("--", StringComparison.Ordinal)
                && name.AsSpan(2).StartsWith(section, StringComparison.OrdinalIgnoreCase)
                && name[section.Length + 2] == ':')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFlag(string arg) => arg.StartsWith('-') && arg.Length > 1 && !char.IsAsciiDigit(arg[1]);

    private static IEnumerable<string> KnownFlagNames() =>
        CommandLineFlags.ValueFlags.Concat(CommandLineFlags.SwitchFlags).Concat(CommandLineFlags.InformationFlags).Select(f => f.Name);

    private static string Suggestion(string name)
    {
        var nearest = Nearest.Find(name, KnownFlagNames());
        return nearest is null ? "" : $" (did you mean {nearest}?)";
    }

    /// <summary>Quoted arguments are cut to this many characters: an error message stays one short line.</summary>
    private const int QuotedCharactersMax = 64;

    private static string Cut(string text) => text.Length <= QuotedCharactersMax ? text : text[..QuotedCharactersMax] + "...";
}
