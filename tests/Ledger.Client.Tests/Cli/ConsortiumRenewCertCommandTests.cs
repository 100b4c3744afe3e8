using System.Security.Cryptography.X509Certificates;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Consortium;

namespace Ledger.Client.Tests.Cli;

/// <summary><c>ledger consortium renew-cert</c>: a node's TLS certificate re-issued from the consortium CA, same names, same or new key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConsortiumRenewCertCommandTests
{
    private static (string Consortium, string NodeDirectory) Init(TempDirectory directory)
    {
        var consortium = directory.File("c");
        CliRunner.Run("consortium", "init", "--nodes", "3", "--out", consortium);
        return (consortium, Path.Combine(consortium, "nodes", "node-2"));
    }

    [Test]
    public void RenewCert_SameKey_NewCertificateForTheSameNodeNamesAndKey()
    {
        using var directory = new TempDirectory();
        var (consortium, node) = Init(directory);
        using var before = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(node, "tls.pem")));
        var keyBefore = File.ReadAllText(Path.Combine(node, "tls.key.pem"));

        var result = CliRunner.Run("consortium", "renew-cert", "--dir", consortium, "--node-id", "node-2", "--validity-days", "30", "-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(consortium, "ca.pem")));
        using var after = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(node, "tls.pem")), File.ReadAllText(Path.Combine(node, "tls.key.pem")));
        Assert.That(after.Thumbprint, Is.Not.EqualTo(before.Thumbprint));
        Assert.That(ConsortiumCertificateAuthority.NodeIdOf(after), Is.EqualTo("node-2"));
        Assert.That(ConsortiumCertificateAuthority.ChainsTo(after, root, DateTimeOffset.UtcNow), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(node, "tls.key.pem")), Is.EqualTo(keyBefore));
        Assert.That(after.GetPublicKey(), Is.EqualTo(before.GetPublicKey()));
        Assert.That(after.NotAfter.ToUniversalTime(), Is.LessThanOrEqualTo(DateTime.UtcNow.AddDays(30)).And.GreaterThan(DateTime.UtcNow.AddDays(29)));
        Assert.That(SubjectAlternativeNames(after), Is.EqualTo(SubjectAlternativeNames(before)));
        Assert.That(result.Out, Does.Contain("\"newKey\": false").Or.Contain("\"newKey\":false"));
    }

    [Test]
    public void RenewCert_NewKey_CertificateAndKeyReplacedTogether()
    {
        using var directory = new TempDirectory();
        var (consortium, node) = Init(directory);
        using var before = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(node, "tls.pem")));

        var result = CliRunner.Run("consortium", "renew-cert", "--dir", consortium, "--node-id", "node-2", "--new-key");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var after = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(node, "tls.pem")), File.ReadAllText(Path.Combine(node, "tls.key.pem")));
        Assert.That(after.HasPrivateKey, Is.True);
        Assert.That(after.GetPublicKey(), Is.Not.EqualTo(before.GetPublicKey()));
        Assert.That(File.GetUnixFileMode(Path.Combine(node, "tls.key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void RenewCert_ValidityOutOfRange_RefusedAndNothingWritten()
    {
        using var directory = new TempDirectory();
        var (consortium, node) = Init(directory);
        var certificate = File.ReadAllText(Path.Combine(node, "tls.pem"));

        var result = CliRunner.Run("consortium", "renew-cert", "--dir", consortium, "--node-id", "node-2", "--validity-days", "0");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--validity-days must be 1..3650"));
        Assert.That(File.ReadAllText(Path.Combine(node, "tls.pem")), Is.EqualTo(certificate));
    }

    [Test]
    public void RenewCert_UnknownNode_NotFound()
    {
        using var directory = new TempDirectory();
        var (consortium, _) = Init(directory);

        var result = CliRunner.Run("consortium", "renew-cert", "--dir", consortium, "--node-id", "node-9");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(result.Error, Does.Contain("node-9"));
    }

    [Test]
    public void RenewCert_KeyFileOfAnotherNode_RefusedWithoutNewKey()
    {
        using var directory = new TempDirectory();
        var (consortium, node) = Init(directory);
        File.Copy(Path.Combine(consortium, "nodes", "node-1", "tls.key.pem"), Path.Combine(node, "tls.key.pem"), overwrite: true);
        var certificate = File.ReadAllText(Path.Combine(node, "tls.pem"));

        var result = CliRunner.Run("consortium", "renew-cert", "--dir", consortium, "--node-id", "node-2");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(result.Error, Does.Contain("--new-key"));
        Assert.That(File.ReadAllText(Path.Combine(node, "tls.pem")), Is.EqualTo(certificate));
    }

    private static string[] SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        return [.. extension.EnumerateDnsNames(), .. extension.EnumerateIPAddresses().Select(a => a.ToString())];
    }
}
