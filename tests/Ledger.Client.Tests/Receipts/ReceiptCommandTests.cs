using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Receipts;

/// <summary><c>ledger receipt export|verify</c>: exit 0 only for a receipt a quorum of the node set at its height stands behind.</summary>
public sealed class ReceiptCommandTests
{
    private static readonly TestChain Chain = new();
    private static readonly GovernanceChain Governed = new();

    [Test]
    public void ExportThenVerify_GenuineBundle_ExitsOkNamingTheQuorum()
    {
        using var directory = new TempDirectory();
        var (bundle, genesis) = WriteInputs(directory, Chain.WorkBundle(), Chain.GenesisBytes);
        var nodeKey = WriteKey(directory, Chain.NodeKeys[1]);

        var export = CliRunner.Run("receipt", "export", "--bundle", bundle, "--genesis", genesis, "--node-key", nodeKey, "--out", directory.File("r.cose"));
        var verify = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", genesis, "--bundle", bundle, "-o", "json");

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.Error);
        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.Ok), verify.Error);
        var report = System.Text.Json.Nodes.JsonNode.Parse(verify.Out)!;
        Assert.That((string?)report["issuerNodeId"], Is.EqualTo("node-2"));
        Assert.That(report["attestingNodeIds"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
    }

    [Test]
    public void Verify_BlockCertifiedByANodeAddedByGovernance_ExitsOkWithTheBundlesChanges()
    {
        using var directory = new TempDirectory();
        var anchor = Governed.NewKeyBundle();
        var (bundle, genesis) = WriteInputs(directory, anchor, Governed.GenesisBytes);
        var leafHash = Core.Blocks.LogLeaf.MerkleLeafHash(anchor.TransactionHash, anchor.Result, Governed.Suite.Hash);
        var last = anchor.CertifiedHeader.Header;
        var anchors = new[] { 2, 4 }.Select(height => new Core.Receipts.NodeSetAnchor(
            Governed.Blocks[height - 1].Header,
            [.. Governed.Attestations[height - 1].Select(a => new Core.Receipts.CoseReceiptAttestation(a.NodeId, a.KeyId.ToByteArray(), a.Signature.ToByteArray()))],
            Governed.Log.BuildConsistencyProof(Governed.Blocks[height - 1].Header.LogSize, last.LogSize))).ToList();
        File.WriteAllBytes(directory.File("r.cose"), Core.Receipts.CoseReceipts.Create(
            Governed.NodeKey("node-4"), anchor.CertifiedHeader, anchor.LogInclusion.LeafIndex, [.. anchor.LogInclusion.Path.Select(p => p.ToByteArray())], anchors, Governed.Genesis, anchor.GovernanceChanges, leafHash));

        var withChanges = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", genesis, "--bundle", bundle);
        var genesisOnly = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", genesis, "--leaf-hash", Convert.ToHexStringLower(leafHash));

        Assert.That(withChanges.ExitCode, Is.EqualTo(ExitCodes.Ok), withChanges.Error);
        Assert.That(genesisOnly.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), genesisOnly.Out);
    }

    [Test]
    public void Verify_ReceiptSignedByOneGenesisNode_ExitsVerificationFailed()
    {
        using var directory = new TempDirectory();
        var work = Chain.WorkBundle();
        var (bundle, genesis) = WriteInputs(directory, work, Chain.GenesisBytes);
        File.WriteAllBytes(directory.File("r.cose"), CoseReceiptForger.SignOneNodeFormat(Chain.NodeKeys[0], work.LogInclusion, work.CertifiedHeader.Header.LogRoot.ToByteArray()));

        var verify = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", genesis, "--bundle", bundle);

        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), verify.Out);
    }

    [Test]
    public void Verify_ReceiptSignedByANodeRemovedBeforeTheBlock_ExitsVerificationFailed()
    {
        using var directory = new TempDirectory();
        var anchor = Governed.NewKeyBundle();
        var (bundle, genesis) = WriteInputs(directory, anchor, Governed.GenesisBytes);
        File.WriteAllBytes(directory.File("r.cose"), CoseReceiptForger.SignOneNodeFormat(Governed.NodeKey("node-3"), anchor.LogInclusion, anchor.CertifiedHeader.Header.LogRoot.ToByteArray()));

        var verify = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", genesis, "--bundle", bundle);

        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), verify.Out);
    }

    [Test]
    public void Export_NodeKeyRemovedBeforeTheBlock_IssuesNothing()
    {
        using var directory = new TempDirectory();
        var (bundle, genesis) = WriteInputs(directory, Governed.NewKeyBundle(), Governed.GenesisBytes);
        var nodeKey = WriteKey(directory, Governed.NodeKey("node-3"));

        var export = CliRunner.Run("receipt", "export", "--bundle", bundle, "--genesis", genesis, "--node-key", nodeKey, "--out", directory.File("r.cose"));

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), export.Error);
        Assert.That(File.Exists(directory.File("r.cose")), Is.False);
    }

    private static (string Bundle, string Genesis) WriteInputs(TempDirectory directory, EvidenceBundle bundle, byte[] genesis)
    {
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(bundle));
        File.WriteAllBytes(directory.File("genesis.json"), genesis);
        return (directory.File("bundle.json"), directory.File("genesis.json"));
    }

    private static string WriteKey(TempDirectory directory, KeyPair key)
    {
        var path = directory.File($"node-{key.KeyId.ToHex()[..8]}.key.json");
        File.WriteAllText(path, KeyFile.Export(key));
        return path;
    }
}
