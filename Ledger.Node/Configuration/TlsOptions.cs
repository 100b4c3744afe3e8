namespace Ledger.Node.Configuration;

/// <summary>Mutual TLS between nodes: the consortium CA and this node's certificate and key (PEM files).</summary>
public sealed class TlsOptions
{
    public const int ReloadCheckSecondsMin = 1;

    public const int ReloadCheckSecondsMax = 3_600;

    public string CaCertificateFile { get; set; } = "";

    public string CertificateFile { get; set; } = "";

    public string PrivateKeyFile { get; set; } = "";

    /// <summary>
    /// How often the certificate and key files are checked for a change (size, modification time, then
    /// content hash), at most: a renewed certificate (<c>ledger consortium renew-cert</c>) is served to new
    /// connections within this long, with no restart.
    /// </summary>
    public int ReloadCheckSeconds { get; set; } = 10;

    public bool Enabled => CaCertificateFile.Length > 0 && CertificateFile.Length > 0 && PrivateKeyFile.Length > 0;

    public void Validate()
    {
        if (ReloadCheckSeconds is < ReloadCheckSecondsMin or > ReloadCheckSecondsMax)
        {
            throw new InvalidOperationException($"Node:Tls:ReloadCheckSeconds must be within {ReloadCheckSecondsMin}..{ReloadCheckSecondsMax}, was {ReloadCheckSeconds}");
        }

        var given = (CaCertificateFile.Length > 0 ? 1 : 0) + (CertificateFile.Length > 0 ? 1 : 0) + (PrivateKeyFile.Length > 0 ? 1 : 0);
        if (given is 1 or 2)
        {
            throw new InvalidOperationException("TLS needs all three of --tls-ca, --tls-cert and --tls-key (Node:Tls:CaCertificateFile, CertificateFile, PrivateKeyFile); some are missing");
        }
    }
}
