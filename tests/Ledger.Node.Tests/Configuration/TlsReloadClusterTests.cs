using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Consortium;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Configuration;

/// <summary>A renewed certificate file is what a running node's listeners (peer, public, web) present to the next connection, without a restart.</summary>
public sealed class TlsReloadClusterTests
{
    [Test]
    public async Task EveryListener_CertificateFileRenewed_ServedToNewConnections()
    {
        using var consortium = new TestConsortium(1, withTls: true);
        var webUrl = $"https://127.0.0.1:{TestConsortium.FreePort()}";
        await using var node = new InProcessNode(consortium.ArgumentsFor(0, ["--Node:Tls:ReloadCheckSeconds=1", "--web-url", webUrl]), consortium.Nodes[0].PublicUrl);
        // The public listener is on TLS when the consortium's public URLs are https.
        string[] listeners = consortium.Nodes[0].PublicUrl.StartsWith("https:", StringComparison.Ordinal)
            ? [consortium.Nodes[0].PeerUrl, consortium.Nodes[0].PublicUrl, webUrl]
            : [consortium.Nodes[0].PeerUrl, webUrl];
        await node.StartAsync();
        // The peer listener asks for a client certificate of the consortium: the node's own serves.
        using var client = X509CertificateLoader.LoadPkcs12(
            X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(consortium.Directory, "node-1.cert.pem")), File.ReadAllText(Path.Combine(consortium.Directory, "node-1.key.pem"))).Export(X509ContentType.Pkcs12),
            null);
        var before = new string?[listeners.Length];
        for (var i = 0; i < listeners.Length; i++)
        {
            before[i] = await PresentedThumbprintAsync(listeners[i], client);
        }

        // What `ledger consortium renew-cert` does: a new certificate from the same CA, written over the files.
        var authority = LoadAuthority(consortium);
        using var renewed = authority.IssueNodeCertificate("node-1", ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(20));
        File.WriteAllText(Path.Combine(consortium.Directory, "node-1.key.pem"), ConsortiumCertificateAuthority.ExportPrivateKeyPem(renewed));
        File.WriteAllText(Path.Combine(consortium.Directory, "node-1.cert.pem"), ConsortiumCertificateAuthority.ExportCertificatePem(renewed));

        var after = new string?[listeners.Length];
        try
        {
            await Eventually.WaitUntilAsync(() =>
            {
                for (var i = 0; i < listeners.Length; i++)
                {
                    after[i] = PresentedThumbprintAsync(listeners[i], client).GetAwaiter().GetResult();
                }

                return after.All(thumbprint => thumbprint == renewed.Thumbprint);
            });
        }
        catch (TimeoutException)
        {
            // Reported below, listener by listener.
        }

        Assert.That(before, Has.All.Not.Null.And.All.Not.EqualTo(renewed.Thumbprint));
        Assert.That(after, Has.All.EqualTo(renewed.Thumbprint), $"listeners ({string.Join(", ", listeners)}): before {string.Join(", ", before)}");
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
