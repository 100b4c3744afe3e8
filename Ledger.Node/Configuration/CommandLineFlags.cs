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
        ["--fsync"] = "Node:Fsync",
        ["--tls-ca"] = "Node:Tls:CaCertificateFile",
        ["--tls-cert"] = "Node:Tls:CertificateFile",
        ["--tls-key"] = "Node:Tls:PrivateKeyFile",
    };
}
