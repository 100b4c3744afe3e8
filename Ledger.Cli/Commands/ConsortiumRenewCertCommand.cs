using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Consortium;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger consortium renew-cert</c>: re-issues a node's TLS certificate from the consortium CA kept by
/// <c>consortium init</c> (<c>ca.pem</c> + <c>ca.key.pem</c>), for the same node id, host names and addresses
/// as the certificate it replaces, keeping the node's TLS key or (<c>--new-key</c>) with a new one. Both files
/// are replaced by rename, never rewritten in place, and a running node picks the new certificate up from its
/// files within <c>Node:Tls:ReloadCheckSeconds</c>, without a restart.
/// </summary>
public static class ConsortiumRenewCertCommand
{
    public const int ValidityDaysMax = 3_650;

    /// <summary>A PEM certificate or key file is a few KiB; larger input is refused, not read.</summary>
    public const long PemFileBytesMax = 1024 * 1024;

    public static Command Create(CliEnvironment environment)
    {
        var directory = new Option<string>("--dir") { Description = "Consortium directory (from 'consortium init'): ca.pem, ca.key.pem, nodes/<id>/tls.pem", Required = true };
        var node = new Option<string>("--node-id") { Description = "Node whose certificate to renew", Required = true };
        var newKey = new Option<bool>("--new-key") { Description = "Issue it for a new key (written to tls.key.pem) instead of the node's current TLS key" };
        var validityDays = new Option<int>("--validity-days")
        {
            Description = $"Days the new certificate is valid (1..{ValidityDaysMax}; never past the CA's own expiry)",
            DefaultValueFactory = _ => (int)ConsortiumInitCommand.CertificateValidity.TotalDays,
        };
        var command = new Command("renew-cert", "Re-issue a node's TLS certificate from the consortium CA (same or new key); a running node reloads it")
        {
            directory, node, newKey, validityDays,
        };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var renewal = Run(parse.GetValue(directory)!, parse.GetValue(node)!, parse.GetValue(newKey), parse.GetValue(validityDays), DateTimeOffset.UtcNow);
            console.Result(
                new JsonObject
                {
                    ["nodeId"] = renewal.NodeId,
                    ["certificate"] = renewal.CertificatePath,
                    ["key"] = renewal.KeyPath,
                    ["newKey"] = renewal.NewKey,
                    ["thumbprint"] = renewal.Thumbprint,
                    ["notAfter"] = renewal.NotAfter.ToString("O", CultureInfo.InvariantCulture),
                    ["cappedByAuthority"] = renewal.CappedByAuthority,
                },
                [
                    $"node '{renewal.NodeId}': certificate renewed ({(renewal.NewKey ? "new key" : "same key")}), valid until {renewal.NotAfter:yyyy-MM-dd HH:mm} UTC{(renewal.CappedByAuthority ? " (cut to the CA's own expiry: renew the CA before then)" : "")}",
                    $"  {renewal.CertificatePath}",
                    "a running node serves it to new connections within Node:Tls:ReloadCheckSeconds (10 s by default); no restart needed",
                ]);
            return ExitCodes.Ok;
        });
        return command;
    }

    public sealed record Renewal(string NodeId, string CertificatePath, string KeyPath, bool NewKey, string Thumbprint, DateTimeOffset NotAfter, bool CappedByAuthority);

    public static Renewal Run(string root, string nodeIdText, bool newKey, int validityDays, DateTimeOffset now)
    {
        var nodeId = ArgumentChecks.Identifier(nodeIdText, "--node-id");
        if (validityDays is < 1 or > ValidityDaysMax)
        {
            throw CliException.Usage($"--validity-days must be 1..{ValidityDaysMax}, was {validityDays}");
        }

        var certificatePath = Path.Combine(root, "nodes", nodeId, "tls.pem");
        var keyPath = Path.Combine(root, "nodes", nodeId, "tls.key.pem");
        using var authority = LoadAuthority(root);
        using var current = LoadCertificate(certificatePath, nodeId);
        if (!ConsortiumCertificateAuthority.ChainsTo(current, authority.Certificate, current.NotBefore.ToUniversalTime().AddSeconds(1)))
        {
            throw CliException.InvalidInput($"{certificatePath} was not issued by this consortium's CA ({Path.Combine(root, "ca.pem")}); refusing to renew it from there");
        }

        var hosts = new List<string>();
        var addresses = new List<System.Net.IPAddress>();
        foreach (var extension in current.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            hosts.AddRange(extension.EnumerateDnsNames());
            addresses.AddRange(extension.EnumerateIPAddresses());
        }

        using var key = newKey ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : LoadKey(keyPath, current);
        var validity = TimeSpan.FromDays(validityDays);
        var notBefore = now.AddMinutes(-5);
        using var renewed = authority.IssueNodeCertificate(nodeId, key, hosts, addresses, notBefore, validity);
        if (newKey)
        {
            // Key first: until the certificate follows, a running node sees a pair that does not match and keeps its old one.
            Files.WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        WritePublicByRename(certificatePath, ConsortiumCertificateAuthority.ExportCertificatePem(renewed));
        var notAfter = new DateTimeOffset(renewed.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        return new Renewal(nodeId, certificatePath, keyPath, newKey, renewed.Thumbprint, notAfter, notAfter < notBefore + validity);
    }

    private static ConsortiumCertificateAuthority LoadAuthority(string root)
    {
        var certificate = ReadText(Path.Combine(root, "ca.pem"), "CA certificate");
        var key = ReadText(Path.Combine(root, "ca.key.pem"), "CA key (kept by 'consortium init')");
        try
        {
            return ConsortiumCertificateAuthority.LoadPem(certificate, key);
        }
        catch (CryptographicException exception)
        {
            throw CliException.InvalidInput($"ca.pem / ca.key.pem in {root} are not a certificate and its private key ({exception.Message})");
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string nodeId)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(ReadText(path, $"node '{nodeId}' certificate"));
        }
        catch (CryptographicException exception)
        {
            throw CliException.InvalidInput($"{path} is not a PEM certificate ({exception.Message})");
        }

        var named = ConsortiumCertificateAuthority.NodeIdOf(certificate);
        if (!string.Equals(named, nodeId, StringComparison.Ordinal))
        {
            certificate.Dispose();
            throw CliException.InvalidInput($"{path} is the certificate of node '{named ?? "(none)"}', not of '{nodeId}'");
        }

        return certificate;
    }

    private static ECDsa LoadKey(string path, X509Certificate2 current)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(ReadText(path, "node TLS key"));
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw CliException.InvalidInput($"{path} is not a PEM EC private key ({exception.Message}); pass --new-key to issue the certificate for a new key");
        }

        using var currentPublic = current.GetECDsaPublicKey();
        if (currentPublic is null || !currentPublic.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            throw CliException.InvalidInput($"{path} is not the key of the certificate it sits beside; pass --new-key to issue the certificate for a new key");
        }

        return key;
    }

    private static string ReadText(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw CliException.NotFound($"{what} {path} not found (is it a directory made by 'ledger consortium init'?)");
        }

        return System.Text.Encoding.UTF8.GetString(Files.ReadAllBytes(path, PemFileBytesMax, what));
    }

    /// <summary>Writes beside the target and renames over it: a node reloading the file never reads half of it.</summary>
    private static void WritePublicByRename(string path, string content)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
