using System.CommandLine;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger config set-context|use-context|get-contexts|current-context|delete-context|show</c>:
/// named connection contexts (endpoints, TLS CA, genesis, signing key) in the CLI's config file
/// (<see cref="CliConfig"/>), as kubectl and gh keep theirs. A flag beats its environment variable,
/// which beats the active context (<see cref="CliSettings"/>).
/// </summary>
public static class ConfigCommands
{
    public static Command Create(CliEnvironment environment) => new("config", "Connection contexts (endpoint, TLS CA, genesis, key) in $LEDGER_CONFIG or ~/.config/ledger/config.json; a flag beats its LEDGER_* variable, which beats the context")
    {
        SetContext(environment),
        UseContext(environment),
        GetContexts(environment),
        CurrentContext(environment),
        DeleteContext(environment),
        Show(environment),
    };

    private static Command SetContext(CliEnvironment environment)
    {
        var name = NameArgument();
        var endpoints = new Option<string[]>("--endpoint", "-e") { Description = "Node public URL (repeatable; replaces the context's list)", AllowMultipleArgumentsPerToken = false };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "Consortium TLS CA PEM file" };
        var genesis = new Option<string?>("--genesis-file", "--genesis") { Description = "Consortium genesis file (the trust anchor)" };
        var key = new Option<string?>("--key", "-k") { Description = "Signing key file" };
        var use = new Option<bool>("--use") { Description = "Also make it the current context" };
        var command = new Command("set-context", "Create a context or change the settings given (paths are stored absolute and must exist)") { name, endpoints, tlsCa, genesis, key, use };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var contextName = CheckedName(parse.GetValue(name)!);
            var path = CliConfig.PathFromEnvironment();
            var config = CliConfig.Load(path);
            var created = !config.Contexts.TryGetValue(contextName, out var context);
            context ??= new CliContext();
            if (parse.GetValue(endpoints) is { Length: > 0 } urls)
            {
                context.Endpoints = [.. urls.Select(url => ArgumentChecks.HttpUrl(url, "--endpoint").OriginalString)];
            }

            context.TlsCa = ExistingFile(parse.GetValue(tlsCa), "--tls-ca") ?? context.TlsCa;
            context.Genesis = ExistingFile(parse.GetValue(genesis), "--genesis-file") ?? context.Genesis;
            context.Key = ExistingFile(parse.GetValue(key), "--key") ?? context.Key;
            config.Contexts[contextName] = context;
            if (config.Contexts.Count > CliConfig.ContextsMax)
            {
                throw CliException.Usage($"{path} already holds {CliConfig.ContextsMax} contexts; delete one first");
            }

            if (parse.GetValue(use))
            {
                config.CurrentContext = contextName;
            }

            config.Save(path);
            console.Result(
                new JsonObject { ["context"] = contextName, ["created"] = created, ["current"] = config.CurrentContext == contextName, ["config"] = path },
                $"context '{contextName}' {(created ? "created" : "modified")} in {path}{(config.CurrentContext == contextName ? " (current)" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command UseContext(CliEnvironment environment)
    {
        var name = NameArgument();
        var command = new Command("use-context", "Make a context the current one") { name };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var contextName = CheckedName(parse.GetValue(name)!);
            var path = CliConfig.PathFromEnvironment();
            var config = CliConfig.Load(path);
            if (!config.Contexts.ContainsKey(contextName))
            {
                throw CliException.NotFound($"no context '{contextName}' in {path} (see 'ledger config get-contexts')");
            }

            config.CurrentContext = contextName;
            config.Save(path);
            console.Result(new JsonObject { ["currentContext"] = contextName }, $"switched to context '{contextName}'");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GetContexts(CliEnvironment environment)
    {
        var command = new Command("get-contexts", "List the contexts (* marks the current one)");
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var path = CliConfig.PathFromEnvironment();
            var config = CliConfig.Load(path);
            var lines = new List<string> { $"{"CURRENT",-8}{"NAME",-24}{"ENDPOINTS",-40}KEY" };
            var json = new JsonArray();
            foreach (var (name, context) in config.Contexts)
            {
                var current = name == config.CurrentContext;
                lines.Add($"{(current ? "*" : ""),-8}{name,-24}{string.Join(",", context.Endpoints ?? []),-40}{context.Key}");
                json.Add(ContextJson(name, context, current));
            }

            if (config.Contexts.Count == 0)
            {
                lines = [$"no contexts in {path} ('ledger config set-context NAME --endpoint URL ...' adds one)"];
            }

            console.Result(new JsonObject { ["config"] = path, ["currentContext"] = config.CurrentContext, ["contexts"] = json }, [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CurrentContext(CliEnvironment environment)
    {
        var command = new Command("current-context", "Print the current context's name (exit 3 when none is set)");
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var path = CliConfig.PathFromEnvironment();
            var current = CliConfig.Load(path).CurrentContext
                ?? throw CliException.NotFound($"no current context in {path} ('ledger config use-context NAME' sets one)");
            console.Result(new JsonObject { ["currentContext"] = current }, current);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DeleteContext(CliEnvironment environment)
    {
        var name = NameArgument();
        var command = new Command("delete-context", "Delete a context (if it was the current one, no context is current afterwards)") { name };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var contextName = CheckedName(parse.GetValue(name)!);
            var path = CliConfig.PathFromEnvironment();
            var config = CliConfig.Load(path);
            if (!config.Contexts.Remove(contextName))
            {
                throw CliException.NotFound($"no context '{contextName}' in {path}");
            }

            var wasCurrent = config.CurrentContext == contextName;
            if (wasCurrent)
            {
                config.CurrentContext = null;
            }

            config.Save(path);
            console.Result(new JsonObject { ["deleted"] = contextName, ["wasCurrent"] = wasCurrent }, $"deleted context '{contextName}' from {path}{(wasCurrent ? "; no context is current now" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The settings a node command would use here, and where each comes from.</summary>
    private static Command Show(CliEnvironment environment)
    {
        var key = NodeCommands.KeyOption();
        var command = new Command("show", "Show the endpoint, TLS CA, genesis and key a command would use, and where each comes from (flag, LEDGER_* variable, context, default)") { key };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var active = CliSettings.ActiveContext(parse);
            var endpoints = CliSettings.Endpoints(parse);
            var genesis = CliSettings.Genesis(parse, ClientFactory.Genesis);
            var tlsCa = CliSettings.TlsCa(parse);
            SettingValue<string?> signer;
            try
            {
                var found = CliSettings.Key(parse, key);
                signer = new SettingValue<string?>(found.Value, found.Source);
            }
            catch (CliException)
            {
                signer = new SettingValue<string?>(null, "none");
            }

            console.Result(
                new JsonObject
                {
                    ["config"] = CliConfig.PathFromEnvironment(),
                    ["context"] = active?.Name,
                    ["endpoints"] = new JsonObject { ["value"] = new JsonArray([.. endpoints.Value.Select(e => (JsonNode)e)]), ["source"] = endpoints.Source },
                    ["genesis"] = Setting(genesis),
                    ["tlsCa"] = Setting(tlsCa),
                    ["key"] = Setting(signer),
                },
                $"config:    {CliConfig.PathFromEnvironment()}",
                $"context:   {active?.Name ?? "(none)"}",
                $"endpoints: {string.Join(", ", endpoints.Value)}  ({endpoints.Source})",
                $"genesis:   {genesis.Value ?? "(none)"}  ({genesis.Source})",
                $"tls ca:    {tlsCa.Value ?? "(none)"}  ({tlsCa.Source})",
                $"key:       {signer.Value ?? "(none)"}  ({signer.Source})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject Setting(SettingValue<string?> setting) => new() { ["value"] = setting.Value, ["source"] = setting.Source };

    private static JsonObject ContextJson(string name, CliContext context, bool current) => new()
    {
        ["name"] = name,
        ["current"] = current,
        ["endpoints"] = new JsonArray([.. (context.Endpoints ?? []).Select(e => (JsonNode)e)]),
        ["tlsCa"] = context.TlsCa,
        ["genesis"] = context.Genesis,
        ["key"] = context.Key,
    };

    private static Argument<string> NameArgument() => new("NAME") { Description = "Context name (1-64 characters of [A-Za-z0-9._:-])" };

    private static string CheckedName(string name) => CliConfig.CheckName(name) is { } problem ? throw CliException.Usage(problem) : name;

    private static string? ExistingFile(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw CliException.NotFound($"{option} {path} does not exist");
    }
}
