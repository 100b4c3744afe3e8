using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Consortium;

namespace Ledger.Node.Tls;

/// <summary>
/// This node's TLS certificate, read from its PEM certificate and key files and read again when they
/// change, so a renewed certificate (<c>ledger consortium renew-cert</c>) takes effect without a restart.
/// <see cref="Current"/> is asked on every TLS handshake (Kestrel's certificate selector, the peer
/// client's selection callback); it looks at the files at most once per check interval: their sizes and
/// modification times first, then a SHA-256 of their contents, so a touch without a change reloads nothing.
/// A replacement is used only if it is whole and right: certificate and key agree, it chains to the
/// consortium CA, is valid now, and names this node. Otherwise the certificate in use stays, and the
/// refusal is logged once per content of the files (a renewal caught half-written is picked up at the next check).
/// </summary>
public sealed class TlsCertificateFiles : IDisposable
{
    private readonly string certificateFile;
    private readonly string privateKeyFile;
    private readonly X509Certificate2 authority;
    private readonly string nodeId;
    private readonly TimeSpan checkInterval;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Lock gate = new();

    // The certificate before the current one stays undisposed until the next replacement: a handshake that
    // picked it up a moment ago may still be using it.
    private X509Certificate2? previous;
    private X509Certificate2 current;
    private FileStamp stamp;
    private byte[] contentHash;
    private byte[]? refusedContentHash;
    private long lastCheckTimestamp;

    /// <summary>Loads the files; throws <see cref="InvalidOperationException"/> when they are not a usable certificate of this node.</summary>
    public TlsCertificateFiles(string certificateFile, string privateKeyFile, X509Certificate2 authority, string nodeId, TimeSpan checkInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkInterval, TimeSpan.Zero);
        this.certificateFile = certificateFile;
        this.privateKeyFile = privateKeyFile;
        this.authority = authority;
        this.nodeId = nodeId;
        this.checkInterval = checkInterval;
        this.timeProvider = timeProvider;
        this.logger = logger;
        stamp = FileStamp.Of(certificateFile, privateKeyFile);
        var (certificatePem, keyPem) = Read();
        contentHash = Hash(certificatePem, keyPem);
        current = Load(certificatePem, keyPem, out var refusal) ?? throw new InvalidOperationException($"TLS certificate {certificateFile}: {refusal}");
        lastCheckTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>Times the files were read again and their certificate put in use.</summary>
    public int Reloads { get; private set; }

    /// <summary>The certificate to present now (re-reads the files when the check interval has passed and they changed).</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (gate)
            {
                if (timeProvider.GetElapsedTime(lastCheckTimestamp) >= checkInterval)
                {
                    lastCheckTimestamp = timeProvider.GetTimestamp();
                    CheckFiles();
                }

                return current;
            }
        }
    }

    private void CheckFiles()
    {
        FileStamp now;
        string certificatePem;
        string keyPem;
        try
        {
            now = FileStamp.Of(certificateFile, privateKeyFile);
            if (now == stamp)
            {
                return;
            }

            (certificatePem, keyPem) = Read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TlsLog.ReloadUnreadable(logger, certificateFile, privateKeyFile, e.Message);
            return;
        }

        stamp = now;
        var hash = Hash(certificatePem, keyPem);
        if (hash.AsSpan().SequenceEqual(contentHash) || (refusedContentHash is not null && hash.AsSpan().SequenceEqual(refusedContentHash)))
        {
            return;
        }

        var replacement = Load(certificatePem, keyPem, out var refusal);
        if (replacement is null)
        {
            refusedContentHash = hash;
            TlsLog.ReloadRefused(logger, certificateFile, refusal!);
            return;
        }

        previous?.Dispose();
        previous = current;
        current = replacement;
        contentHash = hash;
        refusedContentHash = null;
        Reloads++;
        TlsLog.Reloaded(logger, certificateFile, replacement.Thumbprint, replacement.NotAfter.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The certificate if it is usable by this node, else null and why not.</summary>
    private X509Certificate2? Load(string certificatePem, string keyPem, out string? refusal)
    {
        X509Certificate2 loaded;
        try
        {
            using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // Kestrel needs a certificate whose key is exportable through the platform store on Linux.
            loaded = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            refusal = $"the certificate and key files are not a PEM certificate and its private key ({e.Message})";
            return null;
        }

        refusal = Check(loaded);
        if (refusal is null)
        {
            return loaded;
        }

        loaded.Dispose();
        return null;
    }

    private string? Check(X509Certificate2 certificate)
    {
        var now = timeProvider.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return $"it is valid {certificate.NotBefore.ToUniversalTime():O}..{certificate.NotAfter.ToUniversalTime():O}, not now";
        }

        if (!ConsortiumCertificateAuthority.ChainsTo(certificate, authority, now))
        {
            return "it was not issued by the consortium CA (--tls-ca)";
        }

        var named = ConsortiumCertificateAuthority.NodeIdOf(certificate);
        if (!string.Equals(named, nodeId, StringComparison.Ordinal))
        {
            return $"it names node '{named ?? "(none)"}', not this node '{nodeId}' (peers check the name)";
        }

        return null;
    }

    /// <summary>PEM files are a few KiB; a file beyond this is not a certificate and is not read whole.</summary>
    public const int PemFileBytesMax = 1024 * 1024;

    private (string Certificate, string Key) Read() => (ReadBounded(certificateFile), ReadBounded(privateKeyFile));

    private static string ReadBounded(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > PemFileBytesMax)
        {
            throw new IOException($"{path} is {length} bytes, more than a PEM file's {PemFileBytesMax}");
        }

        return File.ReadAllText(path);
    }

    private static byte[] Hash(string certificatePem, string keyPem)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(certificatePem));
        hash.AppendData([0]);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(keyPem));
        return hash.GetHashAndReset();
    }

    public void Dispose()
    {
        lock (gate)
        {
            previous?.Dispose();
            current.Dispose();
        }
    }

    private readonly record struct FileStamp(long CertificateLength, DateTime CertificateWritten, long KeyLength, DateTime KeyWritten)
    {
        public static FileStamp Of(string certificateFile, string privateKeyFile)
        {
            var certificate = new FileInfo(certificateFile);
            var key = new FileInfo(privateKeyFile);
            if (!certificate.Exists)
            {
                throw new FileNotFoundException($"TLS certificate file not found: {certificateFile}", certificateFile);
            }

            if (!key.Exists)
            {
                throw new FileNotFoundException($"TLS key file not found: {privateKeyFile}", privateKeyFile);
            }

            return new FileStamp(certificate.Length, certificate.LastWriteTimeUtc, key.Length, key.LastWriteTimeUtc);
        }
    }
}
