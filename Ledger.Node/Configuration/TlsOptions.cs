namespace Ledger.Node.Configuration;

/// <summary>Mutual TLS between nodes: the consortium CA and this node's certificate and key (PEM files).</summary>
public sealed class TlsOptions
{
    public string CaCertificateFile { get; set; } = "";

    public string CertificateFile { get; set; } = "";

    public string PrivateKeyFile { get; set; } = "";

    public bool Enabled => CaCertificateFile.Length > 0 && CertificateFile.Length > 0 && PrivateKeyFile.Length > 0;
}
