namespace Ledger.Node.Configuration;

/// <summary>Short command-line flags mapped onto configuration keys (the long form <c>--Node:Key=value</c> always works too).</summary>
public static class CommandLineFlags
{
    public static readonly IReadOnlyDictionary<string, string> Map = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--node-id"] = "Node:NodeId",
        ["--data-dir"] = "Node:DataDirectory",
        ["--genesis"] = "Node:GenesisFile",
        ["--node-key"] = "Node:NodeKeyFile",
        ["--public-url"] = "Node:PublicUrl",
        ["--peer-url"] = "Node:PeerUrl",
        ["--metrics-url"] = "Node:MetricsUrl",
        ["--web-url"] = "Node:WebUrl",
        ["--fsync"] = "Node:Fsync",
        ["--tls-ca"] = "Node:Tls:CaCertificateFile",
        ["--tls-cert"] = "Node:Tls:CertificateFile",
        ["--tls-key"] = "Node:Tls:PrivateKeyFile",
        ["--clock-offset-ms"] = "Node:ClockOffsetMilliseconds",
        ["--clock-drift-ppm"] = "Node:ClockDriftPpm",
        ["--test-bugs"] = "Node:TestBugs",
    };

    /// <summary>
    /// Flags that stand alone and mean "true" (<c>--insecure-plaintext-peers</c>); <c>--flag=false</c> works too.
    /// The configuration command-line reader would take the next argument as their value, so they are
    /// rewritten to <c>--Node:Key=value</c> first (<see cref="ExpandSwitches"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--insecure-plaintext-peers"] = "Node:InsecurePlaintextPeers",
    };

    public static string[] ExpandSwitches(IReadOnlyList<string> args)
    {
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
