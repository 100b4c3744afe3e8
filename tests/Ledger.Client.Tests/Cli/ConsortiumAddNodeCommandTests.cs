using System.Security.Cryptography.X509Certificates;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;

namespace Ledger.Client.Tests.Cli;

/// <summary><c>ledger consortium add-node</c>: a later node's key and a certificate from the consortium CA, never over a founder or an existing node.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConsortiumAddNodeCommandTests
{
    [Test]
    public void AddNode_AfterInit_WritesAKeyAndACertificateForTheNodeIdThatChainsToTheConsortiumCa()
    {
        using var directory = new TempDirectory();
        var consortium = directory.File("c");
        CliRunner.Run("consortium", "init", "--nodes", "3", "--out", consortium);

        var result = CliRunner.Run("consortium", "add-node", "--dir", consortium, "--node-id", "node-4", "--public-url", "https://127.0.0.1:7156", "--peer-url", "https://127.0.0.1:7157", "-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var nodeDirectory = Path.Combine(consortium, "nodes", "node-4");
        Assert.That(() => KeyFile.Import(File.ReadAllText(Path.Combine(nodeDirectory, "node.key.json"))), Throws.Nothing);
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(consortium, "ca.pem")));
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(nodeDirectory, "tls.pem")));
        Assert.That(ConsortiumCertificateAuthority.NodeIdOf(certificate), Is.EqualTo("node-4"));
        Assert.That(ConsortiumCertificateAuthority.ChainsTo(certificate, root, DateTimeOffset.UtcNow), Is.True);
        Assert.That(File.GetUnixFileMode(Path.Combine(nodeDirectory, "tls.key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(result.Out, Does.Contain("governance propose add-node --node node-4 --address https://127.0.0.1:7157"));
    }

    [Test]
    public void AddNode_FounderIdOrExistingNode_IsRefusedAndOverwritesNothing()
    {
        using var directory = new TempDirectory();
        var consortium = directory.File("c");
        CliRunner.Run("consortium", "init", "--nodes", "3", "--out", consortium);
        var founderKey = File.ReadAllText(Path.Combine(consortium, "nodes", "node-1", "node.key.json"));
        string[] node4 = ["consortium", "add-node", "--dir", consortium, "--node-id", "node-4", "--public-url", "https://127.0.0.1:7156", "--peer-url", "https://127.0.0.1:7157"];
        CliRunner.Run(node4);
        var node4Key = File.ReadAllText(Path.Combine(consortium, "nodes", "node-4", "node.key.json"));

        var founder = CliRunner.Run("consortium", "add-node", "--dir", consortium, "--node-id", "node-1", "--public-url", "https://127.0.0.1:7156", "--peer-url", "https://127.0.0.1:7157");
        var again = CliRunner.Run(node4);
        var missing = CliRunner.Run("consortium", "add-node", "--dir", directory.File("nowhere"), "--node-id", "node-5", "--public-url", "https://127.0.0.1:7156", "--peer-url", "https://127.0.0.1:7157");

        Assert.That(founder.ExitCode, Is.EqualTo(ExitCodes.Usage), founder.Error);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Usage), again.Error);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.Error);
        Assert.That(File.ReadAllText(Path.Combine(consortium, "nodes", "node-1", "node.key.json")), Is.EqualTo(founderKey));
        Assert.That(File.ReadAllText(Path.Combine(consortium, "nodes", "node-4", "node.key.json")), Is.EqualTo(node4Key));
    }
}
