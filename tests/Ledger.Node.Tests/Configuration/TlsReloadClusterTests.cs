using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Consortium;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Configuration;

/// <summary>A renewed certificate file is what a running node's peer listener presents to the next connection, without a restart.</summary>
public sealed class TlsReloadClusterTests
{
    [Test]
    public async Task PeerListener_CertificateFileRenewed_ServedToNewConnections()
    {
        using var consortium = new TestConsortium(1, withTls: true);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0, ["--Node:Tls:ReloadCheckSeconds=1"]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        // The peer listener asks for a client certificate of the consortium: the node's own serves.
        using var client = X509CertificateLoader.LoadPkcs12(
            X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(consortium.Directory, "node-1.cert.pem")), File.ReadAllText(Path.Combine(consortium.Directory, "node-1.key.pem"))).Export(X509ContentType.Pkcs12),
            null);
        var before = await PresentedThumbprintAsync(consortium.Nodes[0].PeerUrl, client);

        // What `ledger consortium renew-cert` does: a new certificate from the same CA, written over the files.
        var authority = LoadAuthority(consortium);
        using var renewed = authority.IssueNodeCertificate("node-1", ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(20));
        File.WriteAllText(Path.Combine(consortium.Directory, "node-1.key.pem"), ConsortiumCertificateAuthority.ExportPrivateKeyPem(renewed));
        File.WriteAllText(Path.Combine(consortium.Directory, "node-1.cert.pem"), ConsortiumCertificateAuthority.ExportCertificatePem(renewed));

        string? after = null;
        await Eventually.WaitUntilAsync(() =>
        {
            after = PresentedThumbprintAsync(consortium.Nodes[0].PeerUrl, client).GetAwaiter().GetResult();
            return after == renewed.Thumbprint;
        });

        Assert.That(before, Is.Not.EqualTo(renewed.Thumbprint));
        Assert.That(after, Is.EqualTo(renewed.Thumbprint));
    }

    private static ConsortiumCertificateAuthority LoadAuthority(TestConsortium consortium) =>
        consortium.CertificateAuthority ?? throw new InvalidOperationException("a TLS consortium keeps its CA");

    /// <summary>The thumbprint of the certificate a fresh TLS connection to the URL is shown.</summary>
    private static async Task<string?> PresentedThumbprintAsync(string url, X509Certificate2 client)
    {
        var uri = new Uri(url);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, uri.Port);
        string? thumbprint = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            thumbprint = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).Thumbprint;
            return true;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificates = [client],
            });
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            // The server's certificate was seen (and recorded) before anything else could fail.
        }

        return thumbprint;
    }
}
