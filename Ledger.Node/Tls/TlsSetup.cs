using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ledger.Node.Configuration;
using Ledger.Node.Peers;

namespace Ledger.Node.Tls;

/// <summary>Reads the TLS material the options name: the consortium CA, and this node's certificate as reloading files.</summary>
public static class TlsSetup
{
    /// <summary>Null when TLS is not configured; throws <see cref="InvalidOperationException"/> when the files are not usable.</summary>
    public static PeerTls? Load(TlsOptions options, string nodeId, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!options.Enabled)
        {
            return null;
        }

        X509Certificate2 authority;
        try
        {
            authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaCertificateFile));
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"--tls-ca {options.CaCertificateFile} is not a PEM certificate ({e.Message})", e);
        }

        var files = new TlsCertificateFiles(
            options.CertificateFile,
            options.PrivateKeyFile,
            authority,
            nodeId,
            TimeSpan.FromSeconds(options.ReloadCheckSeconds),
            timeProvider,
            loggerFactory.CreateLogger<TlsCertificateFiles>());
        return new PeerTls(files.Current, authority) { Files = files };
    }
}
