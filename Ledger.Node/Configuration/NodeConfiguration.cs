using Ledger.Node.Chain;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Configuration;

/// <summary>The node's options as loaded: bound, checked and validated, with development mode resolved.</summary>
/// <param name="DevConsortiumCreated">In development mode: whether this start generated the dev consortium (else it reused one).</param>
public sealed record LoadedNodeOptions(NodeOptions Options, bool Development, bool DevConsortiumCreated);

/// <summary>
/// Reads the node's configuration: sources in order of precedence (appsettings.json, <c>LEDGER_</c>
/// environment variables, the command line with its short flags), unknown keys under <c>Node</c> refused
/// (<see cref="ConfigurationKeyCheck"/>), development mode decided (<see cref="DevelopmentMode"/>), then
/// <see cref="NodeOptions"/> bound once and validated by <see cref="NodeOptionsValidator"/>, before anything
/// touches the data directory. The same options are registered as <c>IOptions&lt;NodeOptions&gt;</c> with
/// <c>ValidateOnStart</c>, so a component that reads them from the container sees the validated values.
/// </summary>
public static class NodeConfiguration
{
    /// <param name="args">The command line after <see cref="CommandLineFlags.ExpandSwitches"/>.</param>
    public static LoadedNodeOptions Load(IConfigurationManager configuration, IServiceCollection services, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(services);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddEnvironmentVariables("LEDGER_");
        configuration.AddCommandLine(args, new Dictionary<string, string>(CommandLineFlags.Map));
        ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions));

        var options = Bind(configuration);
        Validate(options);
        var development = DevelopmentMode.Decide(configuration, options);
        var created = false;
        if (development)
        {
            created = DevConsortium.EnsureCreated(options.DataDirectory, options.PeerUrl);
            // Written into the configuration, not only into this instance, so IOptions<NodeOptions> agrees.
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{NodeOptions.SectionName}:{nameof(NodeOptions.GenesisFile)}"] = DevConsortium.GenesisPath(options.DataDirectory),
                [$"{NodeOptions.SectionName}:{nameof(NodeOptions.NodeKeyFile)}"] = DevConsortium.NodeKeyPath(options.DataDirectory),
                [$"{NodeOptions.SectionName}:{nameof(NodeOptions.NodeId)}"] = DevConsortium.NodeId,
            });
            options = Bind(configuration);
            Validate(options);
        }

        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.SectionName)).ValidateOnStart();
        return new LoadedNodeOptions(options, development, created);
    }

    private static void Validate(NodeOptions options)
    {
        var validation = new NodeOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new NodeConfigurationException(validation.FailureMessage);
        }
    }

    private static NodeOptions Bind(IConfiguration configuration)
    {
        var options = new NodeOptions();
        try
        {
            configuration.GetSection(NodeOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value at 'Node:TickMilliseconds' to type 'System.Int32'."
            throw new NodeConfigurationException(e.Message, e);
        }

        return options;
    }
}

/// <summary>
/// When a node is a development node. Without a genesis file it generates a dev consortium, which is
/// right for <c>dotnet run</c> and wrong for a production node whose <c>--genesis</c> went missing from
/// a unit file: it would start a fresh chain of its own in the production data directory and serve it.
/// So a node with no genesis file is a development node only when nothing production-like is configured,
/// or when <c>--dev</c> says so.
/// </summary>
public static class DevelopmentMode
{
    /// <summary>True for a development node; throws <see cref="NodeConfigurationException"/> when the settings contradict each other.</summary>
    public static bool Decide(IConfiguration configuration, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (options.GenesisFile.Length > 0)
        {
            if (options.Development)
            {
                throw new NodeConfigurationException("--dev and --genesis contradict each other: a development node generates its own consortium; drop one");
            }

            return false;
        }

        var production = new List<string>();
        if (options.NodeKeyFile.Length > 0)
        {
            production.Add("--node-key");
        }

        if (options.NodeId.Length > 0)
        {
            production.Add("--node-id");
        }

        if (options.Peers.Count > 0)
        {
            production.Add("Node:Peers");
        }

        if (production.Count > 0)
        {
            throw new NodeConfigurationException(
                $"{string.Join(", ", production)} given without --genesis: a production node needs --genesis FILE, --node-id ID, --node-key FILE and --data-dir DIR " +
                "(a development node, without --genesis, takes none of these)");
        }

        if (!options.Development && configuration[$"{NodeOptions.SectionName}:{nameof(NodeOptions.DataDirectory)}"] is not null)
        {
            throw new NodeConfigurationException(
                $"--data-dir {options.DataDirectory} given without --genesis: a production node needs --genesis FILE, --node-id ID and --node-key FILE; " +
                "to run a development node (a generated single-node consortium) in that directory, add --dev");
        }

        return true;
    }
}
