using System.CommandLine;

namespace Ledger.Cli.Infrastructure;

/// <summary>A setting's value and where it came from (a flag, an environment variable, a context, the default).</summary>
public sealed record SettingValue<T>(T Value, string Source);

/// <summary>
/// Resolves the connection settings every node command shares — endpoints, TLS CA, genesis, signing
/// key — with one precedence: a flag, then its environment variable, then the active context of the
/// config file (<see cref="CliConfig"/>), then the built-in default (endpoints only).
/// </summary>
public static class CliSettings
{
    public const string EndpointsVariable = "LEDGER_ENDPOINTS";
    public const string GenesisVariable = "LEDGER_GENESIS";
    public const string TlsCaVariable = "LEDGER_TLS_CA";
    public const string KeyVariable = "LEDGER_KEY";
    public const string ContextVariable = "LEDGER_CONTEXT";

    public static Option<string?> Context { get; } = new("--context")
    {
        Description = "Config context to use for endpoint, TLS CA, genesis and key (or LEDGER_CONTEXT; default: the current context, see 'ledger config')",
        Recursive = true,
    };

    /// <summary>The context in force: <c>--context</c>, else LEDGER_CONTEXT, else the config's current context; null when none is set.</summary>
    public static (string Name, CliContext Context)? ActiveContext(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var flag = parse.GetValue(Context);
        var variable = CliEnvironment.Variable(ContextVariable);
        var path = CliConfig.PathFromEnvironment();
        var config = CliConfig.Load(path);
        var (name, source) = flag is not null ? (flag, "--context")
            : variable is not null ? (variable, ContextVariable)
            : (config.CurrentContext, "the config's current context");
        if (name is null)
        {
            return null;
        }

        return config.Contexts.TryGetValue(name, out var context)
            ? (name, context)
            : throw CliException.Usage($"{source} names context '{(CliConfig.CheckName(name) is null ? name : "?")}', which {path} does not define (see 'ledger config get-contexts')");
    }

    public static SettingValue<IReadOnlyList<string>> Endpoints(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (Has(parse, GlobalOptions.Endpoints) && parse.GetValue(GlobalOptions.Endpoints) is { Length: > 0 } given)
        {
            return new(given, "--endpoint");
        }

        if (CliEnvironment.Variable(EndpointsVariable) is { } listed)
        {
            return new(listed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), EndpointsVariable);
        }

        if (ActiveContext(parse) is { Context.Endpoints: { Count: > 0 } endpoints } active)
        {
            return new(endpoints, $"context '{active.Name}'");
        }

        return new([ClientFactory.DefaultEndpoint], "default");
    }

    /// <summary>The genesis file: the first of <paramref name="flags"/> the command has and was given, LEDGER_GENESIS, the context's; null when none.</summary>
    public static SettingValue<string?> Genesis(ParseResult parse, params Option<string?>[] flags) =>
        File(parse, flags, GenesisVariable, context => context.Genesis);

    public static SettingValue<string?> TlsCa(ParseResult parse) =>
        File(parse, [ClientFactory.TlsCa], TlsCaVariable, context => context.TlsCa);

    /// <summary>The signing key file (<c>--key</c>, LEDGER_KEY, the context's), or a usage error naming the three.</summary>
    public static SettingValue<string> Key(ParseResult parse, Option<string?> keyOption)
    {
        var key = File(parse, [keyOption], KeyVariable, context => context.Key);
        return key.Value is { } path
            ? new(path, key.Source)
            : throw CliException.Usage($"no signing key: give --key FILE, set {KeyVariable}, or add one to a context ('ledger config set-context NAME --key FILE')");
    }

    private static SettingValue<string?> File(ParseResult parse, Option<string?>[] flags, string variable, Func<CliContext, string?> fromContext)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var flag in flags)
        {
            if (Has(parse, flag) && parse.GetValue(flag) is { } given)
            {
                return new(given, flag.Name);
            }
        }

        if (CliEnvironment.Variable(variable) is { } fromVariable)
        {
            return new(fromVariable, variable);
        }

        if (ActiveContext(parse) is { } active && fromContext(active.Context) is { } fromFile)
        {
            return new(fromFile, $"context '{active.Name}'");
        }

        return new(null, "none");
    }

    private static bool Has(ParseResult parse, Option option) =>
        parse.CommandResult.Command.Options.Contains(option) || (option.Recursive && parse.GetResult(option) is not null);
}
