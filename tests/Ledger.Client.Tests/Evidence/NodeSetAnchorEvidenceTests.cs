using System.Security.Cryptography;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Receipts;
using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Evidence;

/// <summary>
/// A bundle's node set is vouched for from the genesis: every earlier block that changed it must be
/// certified by the nodes before it, with a log that is a prefix of the bundle's certified log
/// (node-set anchors, docs/evidence-bundle.md). Otherwise a made-up log whose "executed" changes hand
/// the chain to its author's node would certify itself, with the real, pinned genesis.
/// </summary>
public sealed class NodeSetAnchorEvidenceTests
{
    private static readonly TestChain Chain = new();
    internal static readonly GovernanceChain Governed = new();

    [Test]
    public void Verify_MadeUpLogHandingTheChainToItsAuthorWithThePinnedGenesis_IsInvalidNamingTheUnanchoredChange()
    {
        var bundle = new FabricatedChain(Chain.Genesis, Chain.GenesisBytes).Bundle();

        var report = RoundTripAndVerify(bundle, TestChain.GenesisSha256(Chain));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Status, Is.EqualTo(EvidenceCheckStatus.Failed));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("the node set changed in block 1, but no node-set anchor is given for it"));
        Assert.That(Check(report, EvidenceVerifier.CheckCertification).Status, Is.EqualTo(EvidenceCheckStatus.Failed));
    }

    [Test]
    public void EvidenceVerify_MadeUpLogWithThePinnedGenesis_ExitsOneInvalid()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(new FabricatedChain(Chain.Genesis, Chain.GenesisBytes).Bundle()));
        File.WriteAllBytes(directory.File("genesis.json"), Chain.GenesisBytes);

        var run = CliRunner.Run("evidence", "verify", directory.File("bundle.json"), "--genesis", directory.File("genesis.json"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), run.Out + run.Error);
        Assert.That(run.Out, Does.Contain("RESULT: INVALID").And.Contain("the node set changed in block 1").And.Not.Contain("RESULT: VALID"));
    }

    [Test]
    public void Verify_MadeUpLogWithAnAnchorItsAuthorCertified_IsInvalid()
    {
        var fabricated = new FabricatedChain(Chain.Genesis, Chain.GenesisBytes);
        var anchor = new CertifiedHeader { Header = fabricated.Block1 };
        anchor.Attestations.Add(BlockAttestations.Sign(fabricated.OutsiderNode, "outsider-node", fabricated.Block1, fabricated.Suite.Hash));
        var bundle = With(fabricated.Bundle(), [new NodeSetAnchorEvidence(anchor, fabricated.Log.BuildConsistencyProof(fabricated.Block1.LogSize, fabricated.Certified.Header.LogSize))]);

        var report = RoundTripAndVerify(bundle, TestChain.GenesisSha256(Chain));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("node-set anchor 1 is not certified by the nodes before it"));
    }

    [Test]
    public void Verify_GenuineBundleAfterRemoveNodeAndAddNodeWithItsAnchors_IsValid()
    {
        var report = RoundTripAndVerify(Governed.NewKeyBundle(), Sha256(Governed.GenesisBytes));

        Assert.That(report.FirstFailure, Is.Null);
        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("node-set changes in blocks 2, 4, each certified by the nodes before it"));
        Assert.That(report.AttestingNodeIds, Is.EqualTo(new[] { "node-1", "node-2", "node-4" }));
    }

    [Test]
    public void Verify_AnchorCertifiedByTheNodeItAdds_IsInvalid()
    {
        // Block 4 adds node-4; the nodes before it are node-1 and node-2 (quorum 2): node-1 and node-4 are not a quorum of them.
        var bundle = Governed.NewKeyBundle();
        var anchors = bundle.NodeSetAnchors.ToList();
        var block4 = new CertifiedHeader { Header = Governed.Blocks[3].Header };
        block4.Attestations.Add(Governed.Attestations[3][0]);
        block4.Attestations.Add(Governed.Attest("node-4", Governed.NodeKey("node-4"), 4));
        anchors[1] = anchors[1] with { Certified = block4 };

        var report = RoundTripAndVerify(With(bundle, anchors), Sha256(Governed.GenesisBytes));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("node-set anchor 4 is not certified by the nodes before it"));
    }

    [Test]
    public void Verify_AnchorWhoseLogIsNotAPrefixOfTheCertifiedLog_IsInvalid()
    {
        var bundle = Governed.NewKeyBundle();
        var anchors = bundle.NodeSetAnchors.ToList();
        anchors[0] = anchors[0] with { ConsistencyPath = Governed.Log.BuildConsistencyProof(Governed.Blocks[0].Header.LogSize, bundle.CertifiedHeader.Header.LogSize) };

        var report = RoundTripAndVerify(With(bundle, anchors), Sha256(Governed.GenesisBytes));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("node-set anchor 2: its log is not a prefix of block 5's log"));
    }

    [Test]
    public void Verify_BundleMissingTheAnchorForANodeSetChange_IsInvalid()
    {
        var bundle = Governed.NewKeyBundle();

        var report = RoundTripAndVerify(With(bundle, [bundle.NodeSetAnchors[1]]), Sha256(Governed.GenesisBytes));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("the node set changed in block 2, but no node-set anchor is given for it"));
    }

    [Test]
    public void Verify_AnchorForABlockWithoutAGivenChange_IsInvalid()
    {
        // An anchor the changes do not call for is refused, so one bundle has one reading.
        var bundle = Governed.NewKeyBundle();
        var block1 = new CertifiedHeader { Header = Governed.Blocks[0].Header };
        block1.Attestations.AddRange(Governed.Attestations[0]);
        var extra = new NodeSetAnchorEvidence(block1, Governed.Log.BuildConsistencyProof(Governed.Blocks[0].Header.LogSize, bundle.CertifiedHeader.Header.LogSize));

        var report = RoundTripAndVerify(With(bundle, [extra, .. bundle.NodeSetAnchors]), Sha256(Governed.GenesisBytes));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(Check(report, EvidenceVerifier.CheckGovernance).Detail, Does.Contain("node-set anchors are for blocks with no governance change given"));
    }

    [Test]
    public void ReceiptExport_BundleCarryingItsAnchors_IssuesAVerifiableReceiptWithoutAskingANode()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("bundle.json"), EvidenceBundleJson.Write(Governed.NewKeyBundle()));
        File.WriteAllBytes(directory.File("genesis.json"), Governed.GenesisBytes);
        File.WriteAllText(directory.File("node-4.key.json"), Ledger.Core.Keys.KeyFile.Export(Governed.NodeKey("node-4")));

        // No node is running: the anchors come from the bundle.
        var export = CliRunner.Run("receipt", "export", "--bundle", directory.File("bundle.json"), "--genesis", directory.File("genesis.json"), "--node-key", directory.File("node-4.key.json"), "--out", directory.File("r.cose"));
        var verify = CliRunner.Run("receipt", "verify", directory.File("r.cose"), "--genesis", directory.File("genesis.json"), "--bundle", directory.File("bundle.json"));

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.Out + export.Error);
        Assert.That(verify.ExitCode, Is.EqualTo(ExitCodes.Ok), verify.Out + verify.Error);
    }

    [Test]
    public async Task ExportAsync_AfterNodeSetChanges_BundleCarriesTheAnchorsAndIsValid()
    {
        var expected = Governed.NewKeyBundle();
        await using var server = await FakeLedgerServer.StartAsync(GovernedNode(expected));
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [server.Endpoint], Genesis = Governed.Genesis, AttemptsMax = 1 });

        var bundle = await Ledger.Client.Evidence.EvidenceExporter.ExportAsync(client, Governed.GenesisBytes, expected.TransactionHash, itemIndex: null);
        var report = RoundTripAndVerify(bundle, Sha256(Governed.GenesisBytes));

        Assert.That(bundle.NodeSetAnchors.Select(a => a.Certified.Header.Height), Is.EqualTo(new[] { 2UL, 4UL }));
        Assert.That(report.FirstFailure, Is.Null);
        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid));
    }

    [Test]
    public void Parse_MoreNodeSetAnchorsThanTheBound_IsRefusedAsMalformed()
    {
        var bundle = Governed.NewKeyBundle();
        var json = EvidenceBundleJson.Write(With(bundle, [.. Enumerable.Repeat(bundle.NodeSetAnchors[0], NodeSetAnchors.AnchorsMax + 1)]));

        Assert.That(() => EvidenceBundleJson.Parse(json), Throws.TypeOf<EvidenceFormatException>().With.Message.Contains($"more than {NodeSetAnchors.AnchorsMax} anchors"));
    }

    /// <summary>A node serving <see cref="Governed"/>: its blocks, certified headers, and log proofs.</summary>
    internal static FakeLedgerApi GovernedNode(EvidenceBundle bundle)
    {
        var header = bundle.CertifiedHeader.Header;
        var api = new FakeLedgerApi
        {
            ChainId = GovernanceChain.ChainId,
            Transaction = new GetTransactionResponse
            {
                Transaction = bundle.Transaction,
                Result = bundle.Result,
                BlockHeight = bundle.BlockHeight,
                Position = bundle.Position,
                Receipt = new Receipt { TxHash = Google.Protobuf.ByteString.CopyFrom(bundle.TransactionHash), BlockHeight = bundle.BlockHeight, Position = bundle.Position, Result = bundle.Result, Header = header, LogInclusion = bundle.LogInclusion },
            },
        };
        api.Blocks.AddRange(Governed.Blocks);
        var leaves = new Dictionary<string, ulong>();
        for (var b = 0; b < Governed.Blocks.Count; b++)
        {
            var certified = new CertifiedHeader { Header = Governed.Blocks[b].Header };
            certified.Attestations.AddRange(Governed.Attestations[b]);
            api.Certified[(ulong)b + 1] = certified;
            for (var i = 0; i < Governed.Blocks[b].Transactions.Count; i++)
            {
                var txHash = Ledger.Core.Signing.TransactionHashing.ComputeHash(Governed.Suite.Hash, Governed.Blocks[b].Transactions[i]);
                leaves[Convert.ToHexStringLower(txHash)] = LogLeafIndex.Get(Governed.Blocks[b].Header, (uint)i);
            }
        }

        api.InclusionProofs = (txHash, size) =>
        {
            if (!leaves.TryGetValue(Convert.ToHexStringLower(txHash), out var leaf))
            {
                return null;
            }

            var proof = new InclusionProof { LeafIndex = leaf, TreeSize = size };
            proof.Path.AddRange(Governed.Log.BuildInclusionProof(leaf, size).Select(Google.Protobuf.ByteString.CopyFrom));
            return proof;
        };
        api.ConsistencyProofs = (first, second) =>
        {
            var proof = new ConsistencyProof { FirstSize = first, SecondSize = second };
            proof.Path.AddRange(Governed.Log.BuildConsistencyProof(first, second).Select(Google.Protobuf.ByteString.CopyFrom));
            return proof;
        };
        return api;
    }

    private static EvidenceReport RoundTripAndVerify(EvidenceBundle bundle, byte[] trustedGenesisSha256) =>
        EvidenceVerifier.Verify(EvidenceBundleJson.Parse(EvidenceBundleJson.Write(bundle)), new EvidenceVerificationOptions { TrustedGenesisSha256 = trustedGenesisSha256 });

    private static EvidenceCheck Check(EvidenceReport report, string name) => report.Checks.Single(c => c.Name == name);

    private static byte[] Sha256(byte[] bytes) => SHA256.HashData(bytes);

    private static EvidenceBundle With(EvidenceBundle bundle, IReadOnlyList<NodeSetAnchorEvidence> anchors) => new()
    {
        Transaction = bundle.Transaction,
        TransactionHash = bundle.TransactionHash,
        Result = bundle.Result,
        BlockHeight = bundle.BlockHeight,
        Position = bundle.Position,
        LogInclusion = bundle.LogInclusion,
        CertifiedHeader = bundle.CertifiedHeader,
        Genesis = bundle.Genesis,
        GovernanceChanges = bundle.GovernanceChanges,
        NodeSetAnchors = anchors,
    };
}
