using System.Net;
using Ledger.Core.Consortium;

namespace Ledger.Core.Tests.Consortium;

public sealed class ConsortiumCertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void IssuedNodeCertificate_ChainsToItsRoot_AndCarriesTheNodeId()
    {
        using var ca = ConsortiumCertificateAuthority.Create("test consortium", Now.AddDays(-1), TimeSpan.FromDays(365));
        using var node = ca.IssueNodeCertificate("node-2", ["localhost"], [IPAddress.Loopback], Now.AddDays(-1), TimeSpan.FromDays(30));

        Assert.Multiple(() =>
        {
            Assert.That(ConsortiumCertificateAuthority.ChainsTo(node, ca.Certificate, Now), Is.True);
            Assert.That(ConsortiumCertificateAuthority.NodeIdOf(node), Is.EqualTo("node-2"));
            Assert.That(node.HasPrivateKey, Is.True);
        });
    }

    [Test]
    public void NodeCertificate_FromAnotherConsortium_DoesNotChain()
    {
        using var ours = ConsortiumCertificateAuthority.Create("ours", Now.AddDays(-1), TimeSpan.FromDays(365));
        using var theirs = ConsortiumCertificateAuthority.Create("theirs", Now.AddDays(-1), TimeSpan.FromDays(365));
        using var intruder = theirs.IssueNodeCertificate("node-1", ["localhost"], [IPAddress.Loopback], Now.AddDays(-1), TimeSpan.FromDays(30));

        Assert.That(ConsortiumCertificateAuthority.ChainsTo(intruder, ours.Certificate, Now), Is.False);
    }

    [Test]
    public void ExpiredNodeCertificate_DoesNotChain()
    {
        using var ca = ConsortiumCertificateAuthority.Create("c", Now.AddDays(-100), TimeSpan.FromDays(365));
        using var node = ca.IssueNodeCertificate("node-1", ["localhost"], [IPAddress.Loopback], Now.AddDays(-100), TimeSpan.FromDays(10));

        Assert.That(ConsortiumCertificateAuthority.ChainsTo(node, ca.Certificate, Now), Is.False);
    }

    [Test]
    public void RootExportedAsPem_ReloadsAndIssuesCertificatesThatChain()
    {
        using var ca = ConsortiumCertificateAuthority.Create("c", Now.AddDays(-1), TimeSpan.FromDays(365));
        using var reloaded = ConsortiumCertificateAuthority.LoadPem(
            ConsortiumCertificateAuthority.ExportCertificatePem(ca.Certificate),
            ConsortiumCertificateAuthority.ExportPrivateKeyPem(ca.Certificate));
        using var node = reloaded.IssueNodeCertificate("n", ["localhost"], [IPAddress.Loopback], Now.AddDays(-1), TimeSpan.FromDays(30));

        Assert.That(ConsortiumCertificateAuthority.ChainsTo(node, ca.Certificate, Now), Is.True);
    }
}
