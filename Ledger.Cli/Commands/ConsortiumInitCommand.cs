using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger consortium init</c>: everything a local N-node consortium needs — genesis, node keys,
/// the consortium TLS CA and node certificates, member keys, and each node's command-line flags.
/// </summary>
public static class ConsortiumInitCommand
{
    public const int NodesMax = ConsortiumGenesis.NodesMax;
    public const string AdminMemberId = "admin";
    public static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(825);

    public static Command Create(CliEnvironment environment)
    {
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes", DefaultValueFactory = _ => 3 };
        var members = new Option<string>("--members")
        {
            Description = "Comma-separated member ids; the role is the id when it names a role (platform, court, rights_holder, auditor, admin, witness), else rights_holder. An 'admin' member is always added.",
            DefaultValueFactory = _ => "platform,court,auditor",
        };
        var witnesses = new Option<string>("--witnesses")
        {
            Description = "Comma-separated ids of checkpoint witnesses to register (role witness, an Ed25519 key whatever the suite: members/<id>.key.json, for `ledger witness run --key`)",
            DefaultValueFactory = _ => "",
        };
        var output = new Option<string>("--out") { Description = "Directory to create", Required = true };
        var suite = new Option<string>("--suite") { Description = "Crypto suite of the consortium", DefaultValueFactory = _ => CryptoSuites.P256Sha256Name };
        suite.AcceptOnlyFromAmong([.. CryptoSuites.Names]);
        var chainId = new Option<string>("--chain-id") { Description = "Chain id", DefaultValueFactory = _ => "local-ledger" };
        var basePort = new Option<int>("--base-port") { Description = "Node i listens on base+2i (public) and base+2i+1 (peer)", DefaultValueFactory = _ => 7050 };
        var host = new Option<string>("--host") { Description = "Host the nodes listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty directory" };
        var command = new Command("init", "Create a consortium: genesis, node and member keys, TLS CA and certificates, node flags")
        {
            nodes, members, witnesses, output, suite, chainId, basePort, host, force,
        };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var settings = new Settings(
                parse.GetValue(nodes),
                ParseMembers(parse.GetValue(members)!, parse.GetValue(witnesses)!),
                parse.GetValue(output)!,
                CryptoSuites.Get(parse.GetValue(suite)!),
                parse.GetValue(chainId)!,
                parse.GetValue(basePort),
                parse.GetValue(host)!,
                parse.GetValue(force));
            var written = Run(settings);
            var json = new JsonObject
            {
                ["directory"] = settings.Directory,
                ["chainId"] = settings.ChainId,
                ["suite"] = settings.Suite.Name,
                ["files"] = new JsonArray([.. written.Select(path => (JsonNode)path)]),
            };
            console.Result(json, [$"consortium '{settings.ChainId}' ({settings.Suite.Name}, {settings.NodeCount} nodes) written to {settings.Directory}:", .. written.Select(path => "  " + path)]);
            return ExitCodes.Ok;
        });
        var group = new Command("consortium", "Consortium set-up") { command, ConsortiumAddNodeCommand.Create(environment), ConsortiumRenewCertCommand.Create(environment) };
        return group;
    }

    public sealed record Settings(int NodeCount, IReadOnlyList<(string Id, string Role)> Members, string Directory, ICryptoSuite Suite, string ChainId, int BasePort, string Host, bool Force);

    public static IReadOnlyList<(string Id, string Role)> ParseMembers(string text, string witnesses = "")
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        var result = new List<(string, string)> { (AdminMemberId, "admin") };
        var listed = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => (Id: id, Witness: false))
            .Concat(witnesses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => (Id: id, Witness: true)));
        foreach (var (raw, witness) in listed)
        {
            ArgumentChecks.Identifier(raw, "member id");
            if (result.Exists(m => m.Item1 == raw))
            {
                if (raw == AdminMemberId)
                {
                    continue;
                }

                throw CliException.Usage($"member id '{raw}' is listed twice");
            }

            var role = witness ? WitnessRole.Name : ConsortiumGenesis.KnownRoles.Contains(raw) ? raw : "rights_holder";
            result.Add((raw, role));
        }

        return result;
    }

    /// <summary>A node's flags, with paths relative to the consortium directory (the layout this command writes).</summary>
    internal static string NodeArguments(string nodeId, string publicUrl, string peerUrl) => string.Join(' ',
        $"--node-id {nodeId}",
        $"--data-dir data/{nodeId}",
        "--genesis genesis.json",
        $"--node-key nodes/{nodeId}/node.key.json",
        $"--public-url {publicUrl}",
        $"--peer-url {peerUrl}",
        "--tls-ca ca.pem",
        $"--tls-cert nodes/{nodeId}/tls.pem",
        $"--tls-key nodes/{nodeId}/tls.key.pem");

    /// <summary>Writes the consortium; returns the written paths relative to the directory.</summary>
    public static IReadOnlyList<string> Run(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.NodeCount is < 1 or > NodesMax)
        {
            throw CliException.Usage($"--nodes must be 1..{NodesMax}, was {settings.NodeCount}");
        }

        if (settings.BasePort is < 1 || settings.BasePort + (2 * settings.NodeCount) > 65535)
        {
            throw CliException.Usage($"--base-port {settings.BasePort} leaves no room for {settings.NodeCount} nodes' ports");
        }

        ArgumentChecks.Identifier(settings.ChainId, "--chain-id");

        if (Directory.Exists(settings.Directory) && Directory.EnumerateFileSystemEntries(settings.Directory).Any() && !settings.Force)
        {
            throw CliException.Usage($"{settings.Directory} is not empty; refusing to write into it (pass --force)");
        }

        Directory.CreateDirectory(settings.Directory);
        var written = new List<string>();
        void Private(string name, string content)
        {
            Files.WritePrivate(Path.Combine(settings.Directory, name), content);
            written.Add(name);
        }

        void Public(string name, string content)
        {
            Files.WritePublic(Path.Combine(settings.Directory, name), content);
            written.Add(name);
        }

        var suite = settings.Suite;
        var now = DateTimeOffset.UtcNow;
        using var authority = ConsortiumCertificateAuthority.Create(settings.ChainId, now.AddMinutes(-5), CertificateValidity);
        Public("ca.pem", ConsortiumCertificateAuthority.ExportCertificatePem(authority.Certificate));
        Private("ca.key.pem", ConsortiumCertificateAuthority.ExportPrivateKeyPem(authority.Certificate));

        var genesisMembers = new List<GenesisMember>();
        foreach (var (id, role) in settings.Members)
        {
            // A witness cosigns checkpoints with Ed25519 (cosignature/v1) in a consortium of any suite.
            var key = (role == WitnessRole.Name ? CryptoSuites.Get(WitnessRole.KeySuite) : suite).GenerateKeyPair();
            Private($"members/{id}.key.json", KeyFile.Export(key));
            genesisMembers.Add(new GenesisMember
            {
                Id = id,
                Name = id,
                Role = role,
                Keys = [new GenesisKey { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() }],
            });
        }

        var genesisNodes = new List<GenesisNode>();
        var environmentFile = new StringBuilder();
        environmentFile.Append("# Generated by `ledger consortium init`: one line of node flags per node (NODE<i>_ARGS).\n");
        environmentFile.Append(CultureInfo.InvariantCulture, $"CHAIN_ID={settings.ChainId}\nNODE_COUNT={settings.NodeCount}\n");
        var ipAddress = IPAddress.TryParse(settings.Host, out var parsedAddress) ? parsedAddress : null;
        for (var i = 0; i < settings.NodeCount; i++)
        {
            var nodeId = $"node-{i + 1}";
            var publicPort = settings.BasePort + (2 * i);
            var peerPort = publicPort + 1;
            var publicUrl = $"https://{settings.Host}:{publicPort}";
            var peerUrl = $"https://{settings.Host}:{peerPort}";
            var nodeKey = suite.GenerateKeyPair();
            Private($"nodes/{nodeId}/node.key.json", KeyFile.Export(nodeKey));
            using (var certificate = authority.IssueNodeCertificate(
                nodeId,
                ipAddress is null ? [settings.Host, "localhost"] : ["localhost"],
                ipAddress is null ? [IPAddress.Loopback] : [ipAddress],
                now.AddMinutes(-5),
                CertificateValidity))
            {
                Public($"nodes/{nodeId}/tls.pem", ConsortiumCertificateAuthority.ExportCertificatePem(certificate));
                Private($"nodes/{nodeId}/tls.key.pem", ConsortiumCertificateAuthority.ExportPrivateKeyPem(certificate));
            }

            genesisNodes.Add(new GenesisNode { Id = nodeId, Address = peerUrl, Key = new GenesisKey { Suite = suite.Name, PublicKey = nodeKey.Public.ToArray() } });
            var arguments = NodeArguments(nodeId, publicUrl, peerUrl);
            Public($"nodes/{nodeId}/args", arguments + "\n");
            environmentFile.Append(CultureInfo.InvariantCulture, $"NODE{i + 1}_ID={nodeId}\nNODE{i + 1}_PUBLIC_URL={publicUrl}\nNODE{i + 1}_PEER_URL={peerUrl}\nNODE{i + 1}_ARGS=\"{arguments}\"\n");
        }

        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = settings.ChainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 10_000,
            // Written out, so an operator reading the genesis sees the clock bound every node enforces.
            BlockTimeSkewMilliseconds = ConsortiumGenesis.BlockTimeSkewMillisecondsDefault,
            Members = genesisMembers,
            Nodes = genesisNodes,
        };

        // Round-trip through the parser so a consortium we write is one the nodes accept.
        var genesisJson = genesis.ToJson() + "\n";
        ConsortiumGenesis.Parse(genesisJson);
        Public("genesis.json", genesisJson);
        var endpoints = string.Join(',', Enumerable.Range(0, settings.NodeCount).Select(i => $"https://{settings.Host}:{settings.BasePort + (2 * i)}"));
        environmentFile.Append(CultureInfo.InvariantCulture, $"LEDGER_ENDPOINTS={endpoints}\n");
        Public("nodes.env", environmentFile.ToString());
        return written;
    }
}
