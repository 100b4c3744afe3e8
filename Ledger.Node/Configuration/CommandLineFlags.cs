namespace Ledger.Node.Configuration;

/// <summary>
/// The node's command line: short flags mapped onto configuration keys (the long form
/// <c>--Node:Key=value</c> always works too), stand-alone switches, and the flags that answer and exit
/// (<c>--help</c>, <c>--version</c>). Anything else is refused (<see cref="NodeCommandLine"/>), so a typo
/// never starts a node with a setting silently left at its default.
/// </summary>
public static class CommandLineFlags
{
    /// <summary>Flags that take a value (<c>--flag value</c> or <c>--flag=value</c>), in the order <c>--help</c> lists them.</summary>
    public static readonly IReadOnlyList<CommandLineFlag> ValueFlags =
    [
        new("--genesis", "Node:GenesisFile", "FILE", "consortium genesis file; without it the node runs as a development node (see --dev)"),
        new("--node-id", "Node:NodeId", "ID", "this node's id as named in the genesis file"),
        new("--node-key", "Node:NodeKeyFile", "FILE", "this node's signing key file (ledger keygen)"),
        new("--data-dir", "Node:DataDirectory", "DIR", "data directory (default ./data); bound to the genesis it was created under"),
        new("--public-url", "Node:PublicUrl", "URL", "public gRPC listener (default http://localhost:7050)"),
        new("--peer-url", "Node:PeerUrl", "URL", "peer gRPC listener (default http://localhost:7051)"),
        new("--web-url", "Node:WebUrl", "URL", "web listener: explorer, verifier, JSON API ('off' turns it off)"),
        new("--metrics-url", "Node:MetricsUrl", "URL", "Prometheus /metrics listener (plain http, a port of its own)"),
        new("--tls-ca", "Node:Tls:CaCertificateFile", "FILE", "consortium CA certificate (PEM)"),
        new("--tls-cert", "Node:Tls:CertificateFile", "FILE", "this node's TLS certificate (PEM; reloaded when the file changes)"),
        new("--tls-key", "Node:Tls:PrivateKeyFile", "FILE", "this node's TLS private key (PEM; reloaded when the file changes)"),
        new("--fsync", "Node:Fsync", "BOOL", "fsync every Raft write (default true; never false in production)"),
        new("--log-level", "Logging:LogLevel:Default", "LEVEL", "Trace, Debug, Information (default), Warning, Error, Critical or None"),
        new("--log-format", "Node:LogFormat", "FORMAT", "console log format: simple (default, one line per event) or json"),
        new("--clock-offset-ms", "Node:ClockOffsetMilliseconds", "MS", "TEST/CHAOS ONLY: set this node's clock off"),
        new("--clock-drift-ppm", "Node:ClockDriftPpm", "PPM", "TEST/CHAOS ONLY: make this node's clock drift"),
        new("--test-bugs", "Node:TestBugs", "LIST", "TEST ONLY: planted bugs (needs LEDGER_ENABLE_TEST_BUGS=1)"),
    ];

    /// <summary>
    /// Flags that stand alone and mean "true" (<c>--insecure-plaintext-peers</c>); <c>--flag=false</c> works too.
    /// The configuration command-line reader would take the next argument as their value, so they are
    /// rewritten to <c>--Node:Key=value</c> first (<see cref="ExpandSwitches"/>).
    /// </summary>
    public static readonly IReadOnlyList<CommandLineFlag> SwitchFlags =
    [
        new("--dev", "Node:Development", "", "run a development node: a generated single-node consortium in the data directory"),
        new("--insecure-plaintext-peers", "Node:InsecurePlaintextPeers", "", "DEVELOPMENT ONLY: peers over plaintext http, unauthenticated"),
    ];

    /// <summary>Flags that print something and exit without starting a node.</summary>
    public static readonly IReadOnlyList<CommandLineFlag> InformationFlags =
    [
        new("--help", "", "", "print this help and exit (also -h)"),
        new("--version", "", "", "print the node's software version and storage format and exit"),
    ];

    /// <summary>Configuration sections the long form <c>--Section:Key[=value]</c> may set from the command line.</summary>
    public static readonly IReadOnlyList<string> LongFormSections = [NodeOptions.SectionName, "Logging"];

    public static readonly IReadOnlyDictionary<string, string> Map = ValueFlags.ToDictionary(f => f.Name, f => f.Key, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, string> Switches = SwitchFlags.ToDictionary(f => f.Name, f => f.Key, StringComparer.Ordinal);

    public static string[] ExpandSwitches(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var expanded = new string[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? arg : arg[..separator];
            expanded[i] = Switches.TryGetValue(name, out var key)
                ? $"--{key}={(separator < 0 ? "true" : arg[(separator + 1)..])}"
                : arg;
        }

        return expanded;
    }
}

/// <summary>One command-line flag: its name, the configuration key it sets, its value's placeholder and what it does.</summary>
public sealed record CommandLineFlag(string Name, string Key, string ValueName, string Description);
