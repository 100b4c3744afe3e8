using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Consortium;
using Ledger.Node.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Configuration;

public sealed class TlsCertificateFilesTests
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);
    private string directory = "";
    private ConsortiumCertificateAuthority authority = null!;
    private FakeTimeProvider clock = null!;

    private string CertificateFile => Path.Combine(directory, "tls.pem");

    private string KeyFile => Path.Combine(directory, "tls.key.pem");

    [SetUp]
    public void SetUp()
    {
        directory = Directory.CreateTempSubdirectory("ledger-tls-reload-").FullName;
        clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        authority = ConsortiumCertificateAuthority.Create("test", clock.GetUtcNow().AddDays(-1), TimeSpan.FromDays(30));
    }

    [TearDown]
    public void TearDown()
    {
        authority.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private string Issue(string nodeId = "node-1", ConsortiumCertificateAuthority? by = null)
    {
        using var certificate = (by ?? authority).IssueNodeCertificate(nodeId, ["localhost"], [IPAddress.Loopback], clock.GetUtcNow().AddMinutes(-5), TimeSpan.FromDays(10));
        File.WriteAllText(CertificateFile, ConsortiumCertificateAuthority.ExportCertificatePem(certificate));
        File.WriteAllText(KeyFile, ConsortiumCertificateAuthority.ExportPrivateKeyPem(certificate));
        // Distinct modification times even on a file system with coarse timestamps.
        var written = DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 1_000_000));
        File.SetLastWriteTimeUtc(CertificateFile, written);
        File.SetLastWriteTimeUtc(KeyFile, written);
        return certificate.Thumbprint;
    }

    private TlsCertificateFiles Open() => new(CertificateFile, KeyFile, authority.Certificate, "node-1", CheckInterval, clock, NullLogger.Instance);

    [Test]
    public void Current_FilesReplaced_NewCertificateAfterTheCheckInterval()
    {
        var first = Issue();
        using var files = Open();
        var second = Issue();

        var beforeInterval = files.Current.Thumbprint;
        clock.Advance(CheckInterval);
        var afterInterval = files.Current.Thumbprint;

        Assert.That(beforeInterval, Is.EqualTo(first), "the files are looked at no more than once per interval");
        Assert.That(afterInterval, Is.EqualTo(second));
        Assert.That(files.Reloads, Is.EqualTo(1));
    }

    [Test]
    public void Current_FilesTouchedWithTheSameContent_NothingReloaded()
    {
        var first = Issue();
        using var files = Open();
        File.SetLastWriteTimeUtc(CertificateFile, DateTime.UtcNow.AddDays(3));

        clock.Advance(CheckInterval);

        Assert.That(files.Current.Thumbprint, Is.EqualTo(first));
        Assert.That(files.Reloads, Is.Zero);
    }

    [Test]
    public void Current_HalfWrittenFile_KeepsTheCertificateInUseThenTakesTheWholeOne()
    {
        var first = Issue();
        using var files = Open();
        File.WriteAllText(CertificateFile, "-----BEGIN CERTIFICATE-----\nMIIB");
        clock.Advance(CheckInterval);
        var whileBroken = files.Current.Thumbprint;

        var renewed = Issue();
        clock.Advance(CheckInterval);

        Assert.That(whileBroken, Is.EqualTo(first));
        Assert.That(files.Current.Thumbprint, Is.EqualTo(renewed));
    }

    [Test]
    public void Current_CertificateOfAnotherNode_Refused()
    {
        var first = Issue();
        using var files = Open();
        Issue("node-2");

        clock.Advance(CheckInterval);

        Assert.That(files.Current.Thumbprint, Is.EqualTo(first));
        Assert.That(files.Reloads, Is.Zero);
    }

    [Test]
    public void Current_CertificateFromAnotherAuthority_Refused()
    {
        var first = Issue();
        using var files = Open();
        using var stranger = ConsortiumCertificateAuthority.Create("stranger", clock.GetUtcNow().AddDays(-1), TimeSpan.FromDays(30));
        Issue(by: stranger);

        clock.Advance(CheckInterval);

        Assert.That(files.Current.Thumbprint, Is.EqualTo(first));
    }

    [Test]
    public void Current_FilesDeleted_KeepsTheCertificateInUse()
    {
        var first = Issue();
        using var files = Open();
        File.Delete(KeyFile);

        clock.Advance(CheckInterval);

        Assert.That(files.Current.Thumbprint, Is.EqualTo(first));
    }

    [Test]
    public void Constructor_CertificateOfAnotherNode_RefusedAtStart()
    {
        Issue("node-2");

        var refused = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(refused!.Message, Does.Contain("names node 'node-2', not this node 'node-1'"));
    }

    [Test]
    public void Constructor_ExpiredCertificate_RefusedAtStart()
    {
        Issue();
        clock.Advance(TimeSpan.FromDays(11));

        var refused = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(refused!.Message, Does.Contain("not now"));
    }

    [Test]
    public void Current_KestrelReadyCertificate_HasItsPrivateKey()
    {
        Issue();
        using var files = Open();

        Assert.That(files.Current.HasPrivateKey, Is.True);
        Assert.That(files.Current.GetECDsaPrivateKey(), Is.Not.Null);
    }
}
