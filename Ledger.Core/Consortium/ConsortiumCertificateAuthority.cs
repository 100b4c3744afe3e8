using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ledger.Core.Consortium;

/// <summary>
/// The consortium's TLS certificate authority: a self-signed ECDSA P-256 root that issues node
/// certificates usable both as TLS server and client (mutual TLS between nodes). TLS uses standard
/// X.509 ECDSA whatever crypto suite the chain signs transactions with. The node id is carried in
/// the subject common name and as a URI SAN <c>ledger-node:ID</c>, which is what peers check.
/// </summary>
public sealed class ConsortiumCertificateAuthority : IDisposable
{
    public const string NodeUriScheme = "ledger-node";

    private readonly X509Certificate2 certificate;

    private ConsortiumCertificateAuthority(X509Certificate2 certificate)
    {
        this.certificate = certificate;
    }

    public X509Certificate2 Certificate => certificate;

    /// <summary>Creates a new root valid from <paramref name="notBefore"/> for <paramref name="validity"/>.</summary>
    public static ConsortiumCertificateAuthority Create(string consortiumName, DateTimeOffset notBefore, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consortiumName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={EscapeName(consortiumName)} CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var root = request.CreateSelfSigned(notBefore, notBefore + validity);
        return new ConsortiumCertificateAuthority(root);
    }

    /// <summary>Loads a root (certificate and private key, PEM) to issue more node certificates.</summary>
    public static ConsortiumCertificateAuthority LoadPem(string certificatePem, string privateKeyPem)
    {
        return new ConsortiumCertificateAuthority(X509Certificate2.CreateFromPem(certificatePem, privateKeyPem));
    }

    /// <summary>Issues a node certificate for <paramref name="nodeId"/>, valid for the given host names and addresses.</summary>
    public X509Certificate2 IssueNodeCertificate(string nodeId, IEnumerable<string> hostNames, IEnumerable<IPAddress> addresses, DateTimeOffset notBefore, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return IssueNodeCertificate(nodeId, key, hostNames, addresses, notBefore, validity);
    }

    /// <summary>As above, for a key the node already has (a renewal that keeps the node's TLS key).</summary>
    public X509Certificate2 IssueNodeCertificate(string nodeId, ECDsa key, IEnumerable<string> hostNames, IEnumerable<IPAddress> addresses, DateTimeOffset notBefore, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentNullException.ThrowIfNull(key);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={EscapeName(nodeId)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hostNames)
        {
            names.AddDnsName(host);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        names.AddUri(new Uri($"{NodeUriScheme}:{Uri.EscapeDataString(nodeId)}"));
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(certificate, true, false));

        var notAfter = notBefore + validity;
        if (notAfter > certificate.NotAfter)
        {
            notAfter = certificate.NotAfter;
        }

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(certificate, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Reads the node id a certificate was issued for, or null when it carries none.</summary>
    public static string? NodeIdOf(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var uri in EnumerateUris(san))
                {
                    if (uri.StartsWith(NodeUriScheme + ":", StringComparison.Ordinal))
                    {
                        return Uri.UnescapeDataString(uri[(NodeUriScheme.Length + 1)..]);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Checks that <paramref name="presented"/> chains to <paramref name="root"/> (and only to it: the
    /// system trust store is not consulted) and is currently valid.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 presented, X509Certificate2 root, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(presented);
    }

    public static string ExportCertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose() => certificate.Dispose();

    private static IEnumerable<string> EnumerateUris(X509SubjectAlternativeNameExtension san)
    {
        // .NET exposes DNS names and IP addresses directly; URIs are read from the raw ASN.1.
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        var uris = new List<string>();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag == uriTag)
            {
                uris.Add(sequence.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                sequence.ReadEncodedValue();
            }
        }

        return uris;
    }

    private static string EscapeName(string value) => value.Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}
