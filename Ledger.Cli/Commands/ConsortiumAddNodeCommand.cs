using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger consortium add-node</c>: the files a node joining after genesis needs — its node key and
/// a TLS certificate from the consortium CA (<c>ca.pem</c> + <c>ca.key.pem</c> of a directory made by
/// <c>consortium init</c>) — and the <c>governance propose add-node</c> command that admits it. The
/// node starts from the consortium's genesis file like the founders and receives the chain from the
/// leader once the proposal has executed.
/// </summary>
public static class ConsortiumAddNodeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var directory = new Option<string>("--dir") { Description = "Consortium directory (from 'consortium init')", Required = true };
        var node = new Option<string>("--node-id") { Description = "New node's id", Required = true };
        var publicUrl = new Option<string>("--public-url") { Description = "URL clients use (e.g. https://127.0.0.1:7056)", Required = true };
        var peerUrl = new Option<string>("--peer-url") { Description = "URL peers use; recorded in the add-node proposal", Required = true };
        var command = new Command("add-node", "Issue a node key and TLS certificate for a node that joins by governance vote") { directory, node, publicUrl, peerUrl };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var root = parse.GetValue(directory)!;
            var nodeId = ArgumentChecks.Identifier(parse.GetValue(node)!, "--node-id");
            var publicUri = ArgumentChecks.HttpUrl(parse.GetValue(publicUrl)!, "--public-url");
            var peerUri = ArgumentChecks.HttpUrl(parse.GetValue(peerUrl)!, "--peer-url");
            var genesis = ConsortiumGenesis.Parse(File.ReadAllBytes(Existing(root, "genesis.json")));
            if (genesis.Nodes.Any(n => n.Id == nodeId))
            {
                throw CliException.Usage($"node '{nodeId}' is a founding node of this consortium; pick another id");
            }

            var nodeDirectory = Path.Combine(root, "nodes", nodeId);
            if (Directory.Exists(nodeDirectory) && Directory.EnumerateFileSystemEntries(nodeDirectory).Any())
            {
                throw CliException.Usage($"{nodeDirectory} is not empty; refusing to overwrite a node's key");
            }

            ConsortiumCertificateAuthority authority;
            try
            {
                authority = ConsortiumCertificateAuthority.LoadPem(File.ReadAllText(Existing(root, "ca.pem")), File.ReadAllText(Existing(root, "ca.key.pem")));
            }
            catch (CryptographicException exception)
            {
                throw CliException.Usage($"ca.pem / ca.key.pem in {root} are not a certificate and its private key ({exception.Message})");
            }

            using (authority)
            {
                var nodeKey = CryptoSuites.Get(genesis.Suite).GenerateKeyPair();
                Files.WritePrivate(Path.Combine(nodeDirectory, "node.key.json"), KeyFile.Export(nodeKey));
                var hosts = new List<string> { "localhost" };
                var addresses = new List<IPAddress> { IPAddress.Loopback };
                foreach (var uri in new[] { publicUri, peerUri })
                {
                    if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
                    {
                        if (!addresses.Contains(address))
                        {
                            addresses.Add(address);
                        }
                    }
                    else if (!hosts.Contains(uri.Host))
                    {
                        hosts.Add(uri.Host);
                    }
                }

                var now = DateTimeOffset.UtcNow;
                using var certificate = authority.IssueNodeCertificate(nodeId, hosts, addresses, now.AddMinutes(-5), ConsortiumInitCommand.CertificateValidity);
                Files.WritePublic(Path.Combine(nodeDirectory, "tls.pem"), ConsortiumCertificateAuthority.ExportCertificatePem(certificate));
                Files.WritePrivate(Path.Combine(nodeDirectory, "tls.key.pem"), ConsortiumCertificateAuthority.ExportPrivateKeyPem(certificate));
            }

            var arguments = ConsortiumInitCommand.NodeArguments(nodeId, publicUri.OriginalString, peerUri.OriginalString);
            Files.WritePublic(Path.Combine(nodeDirectory, "args"), arguments + "\n");
            var proposal = $"ledger governance propose add-node --node {nodeId} --address {peerUri.OriginalString} --node-key {Path.Combine(nodeDirectory, "node.key.json")} --key <admin key file> --endpoint <a node's public URL>";
            console.Result(
                new JsonObject
                {
                    ["nodeId"] = nodeId,
                    ["directory"] = nodeDirectory,
                    ["args"] = arguments,
                    ["proposeCommand"] = proposal,
                },
                $"node '{nodeId}': key, TLS certificate and flags written to {nodeDirectory}",
                $"admit it by vote:  {proposal}",
                $"then start it:     Ledger.Node {arguments}   (paths relative to {root})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Existing(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new CliException(ExitCodes.NotFound, $"{path} not found (is {directory} a directory made by 'ledger consortium init'?)");
    }
}
