using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Receipts;
using Ledger.Core.Signing;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Receipts;

/// <summary>
/// A COSE receipt rests on the quorum that certified its block (node set at that height), not on
/// the one node that issued it; leaf index and tree size count only as the signatures cover them.
/// </summary>
public sealed class CoseReceiptTests
{
    private static readonly TestChain Chain = new();
    private static readonly GovernanceChain Governed = new();

    private static ConsortiumState GenesisNodes => new(Chain.Genesis);

    [Test]
    public void Verify_GenuineQuorumReceipt_ReturnsLeafSizeAndRootAsTheQuorumAttestedThem()
    {
        var (receipt, leafHash, bundle) = Issue();

        var verified = CoseReceipts.Verify(receipt, GenesisNodes, leafHash);

        Assert.That(verified.LeafIndex, Is.EqualTo(bundle.LogInclusion.LeafIndex));
        Assert.That(verified.TreeSize, Is.EqualTo(Chain.Block2.Header.LogSize));
        Assert.That(verified.LogRoot, Is.EqualTo(Chain.Block2.Header.LogRoot.ToByteArray()));
        Assert.That(verified.AttestingNodeIds, Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(verified.IssuerNodeId, Is.EqualTo("node-1"));
    }

    [Test]
    public void Verify_ReceiptCarryingOnlyTheIssuingNodesAttestation_IsRefused()
    {
        var (_, leafHash, bundle) = Issue();
        var oneNode = new CertifiedHeader { Header = Chain.Block2.Header };
        oneNode.Attestations.Add(Chain.Block2.Attestations[0]);
        var receipt = Forge(Chain.NodeKeys[0], CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, oneNode), bundle.LogInclusion);

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("only 1 valid attestations, quorum is 2 of 3"));
    }

    [Test]
    public void Verify_OneAttestationRepeated_CountsOnce()
    {
        var (_, leafHash, bundle) = Issue();
        var repeated = new CertifiedHeader { Header = Chain.Block2.Header };
        repeated.Attestations.Add(Chain.Block2.Attestations[0]);
        repeated.Attestations.Add(Chain.Block2.Attestations[0]);
        var receipt = Forge(Chain.NodeKeys[0], CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, repeated), bundle.LogInclusion);

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("two attestations by node 'node-1'"));
    }

    [Test]
    public void Create_CertifiedHeaderBelowQuorum_IsRefused()
    {
        var bundle = Chain.WorkBundle();
        var oneNode = new CertifiedHeader { Header = Chain.Block2.Header };
        oneNode.Attestations.Add(Chain.Block2.Attestations[0]);

        Assert.That(
            () => CoseReceipts.Create(Chain.NodeKeys[0], oneNode, bundle.LogInclusion.LeafIndex, Path(bundle.LogInclusion), [], Chain.Genesis, [], LeafHash(bundle)),
            Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_OneNodeReceiptWithoutTheQuorum_IsRefused()
    {
        var bundle = Chain.WorkBundle();
        var receipt = CoseReceiptForger.SignOneNodeFormat(Chain.NodeKeys[0], bundle.LogInclusion, Chain.Block2.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_QuorumCountingANodeRemovedBeforeTheBlock_IsRefused()
    {
        // Block 5: node-3 was removed in block 2; node-1 and node-3 would be 2 of the genesis 3.
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var withRemoved = new CertifiedHeader { Header = header };
        withRemoved.Attestations.Add(Governed.Attestations[4][0]);
        withRemoved.Attestations.Add(Governed.Attest("node-3", Governed.NodeKey("node-3"), 5));
        var receipt = Forge(Governed.NodeKey("node-1"), CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, withRemoved), bundle.LogInclusion, header);
        var nodeSet = ReceiptNodeSet.Before(Governed.Genesis, bundle.GovernanceChanges, header, GovernedAnchors());

        Assert.That(() => CoseReceipts.Verify(receipt, nodeSet, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("'node-3', which is not a consortium node at height 5"));
    }

    [Test]
    public void Verify_IssuerRemovedBeforeTheBlock_IsRefused()
    {
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var receipt = Forge(Governed.NodeKey("node-3"), CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, bundle.CertifiedHeader), bundle.LogInclusion, header);
        var nodeSet = ReceiptNodeSet.Before(Governed.Genesis, bundle.GovernanceChanges, header, GovernedAnchors());

        Assert.That(() => CoseReceipts.Verify(receipt, nodeSet, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not the key of a node in force at height 5"));
    }

    [Test]
    public void Verify_BlockCertifiedByAnAddedNode_VerifiesWithTheGovernanceChanges()
    {
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var nodeSet = ReceiptNodeSet.Before(Governed.Genesis, bundle.GovernanceChanges, header, GovernedAnchors());
        var receipt = CoseReceipts.Create(Governed.NodeKey("node-1"), bundle.CertifiedHeader, bundle.LogInclusion.LeafIndex, Path(bundle.LogInclusion), GovernedAnchors(), Governed.Genesis, bundle.GovernanceChanges, LeafHash(bundle));

        var verified = CoseReceipts.Verify(receipt, Governed.Genesis, bundle.GovernanceChanges, LeafHash(bundle));

        Assert.That(verified.AttestingNodeIds, Is.EquivalentTo(new[] { "node-1", "node-2", "node-4" }));
        Assert.That(() => CoseReceipts.Verify(receipt, new ConsortiumState(Governed.Genesis), LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("'node-4', which is not a consortium node"));
    }

    [Test]
    public void Verify_NodeSetChangedWithoutAnAnchor_IsRefused()
    {
        // Without anchors the changes would be vouched for only by the log of the block they certify.
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var receipt = Forge(Governed.NodeKey("node-1"), CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, bundle.CertifiedHeader), bundle.LogInclusion, header);

        Assert.That(() => CoseReceipts.Verify(receipt, Governed.Genesis, bundle.GovernanceChanges, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("the node set changed in block 2"));
    }

    [Test]
    public void Verify_AnchorCertifiedByTheNodeItAdds_IsRefused()
    {
        // Block 4 adds node-4; the nodes before it are node-1 and node-2 (quorum 2).
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var anchors = GovernedAnchors().ToList();
        var block4 = Governed.Blocks[3].Header;
        anchors[1] = anchors[1] with { Attestations = CoseReceiptClaims.AttestationsOf(Certified(block4, Governed.Attestations[3][0], Governed.Attest("node-4", Governed.NodeKey("node-4"), 4))) };
        var receipt = Forge(Governed.NodeKey("node-1"), CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, bundle.CertifiedHeader, anchors), bundle.LogInclusion, header);

        Assert.That(() => CoseReceipts.Verify(receipt, Governed.Genesis, bundle.GovernanceChanges, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("node-set anchor 4 is not certified by the nodes before it"));
    }

    [Test]
    public void Verify_AnchorWhoseLogIsNotAPrefixOfTheBlocksLog_IsRefused()
    {
        var bundle = Governed.NewKeyBundle();
        var header = bundle.CertifiedHeader.Header;
        var anchors = GovernedAnchors().ToList();
        anchors[0] = anchors[0] with { ConsistencyPath = Governed.Log.BuildConsistencyProof(Governed.Blocks[0].Header.LogSize, header.LogSize) };
        var receipt = Forge(Governed.NodeKey("node-1"), CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, bundle.CertifiedHeader, anchors), bundle.LogInclusion, header);

        Assert.That(() => CoseReceipts.Verify(receipt, Governed.Genesis, bundle.GovernanceChanges, LeafHash(bundle)), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not a prefix of block 5's log"));
    }

    [Test]
    public void Verify_MadeUpLogHandingTheChainToItsAuthor_IsRefused()
    {
        // A genuine genesis, and a log that "executes" AddNode of the author's node and RemoveNode
        // of every genesis node: each change is proven into the log its author certified alone.
        var fabricated = new FabricatedChain(Chain.Genesis, Chain.GenesisBytes);
        var proof = fabricated.TargetProof;
        var claims = CoseReceiptClaims.From(proof.LeafIndex, fabricated.Certified);
        var receipt = CoseReceiptForger.Sign(fabricated.OutsiderNode, claims, proof.TreeSize, proof.LeafIndex, Path(proof), fabricated.Certified.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, Chain.Genesis, fabricated.Changes, fabricated.TargetLeafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("the node set changed in block 1"));
    }

    [Test]
    public void Verify_MadeUpLogWithAnAnchorItsAuthorCertified_IsRefused()
    {
        var fabricated = new FabricatedChain(Chain.Genesis, Chain.GenesisBytes);
        var proof = fabricated.TargetProof;
        var block1 = fabricated.Block1;
        var anchor = new NodeSetAnchor(
            block1,
            [new CoseReceiptAttestation("outsider-node", fabricated.OutsiderNode.KeyId.ToArray(), BlockAttestations.Sign(fabricated.OutsiderNode, "outsider-node", block1, Chain.Suite.Hash).Signature.ToByteArray())],
            fabricated.Log.BuildConsistencyProof(block1.LogSize, fabricated.Certified.Header.LogSize));
        var claims = CoseReceiptClaims.From(proof.LeafIndex, fabricated.Certified, [anchor]);
        var receipt = CoseReceiptForger.Sign(fabricated.OutsiderNode, claims, proof.TreeSize, proof.LeafIndex, Path(proof), fabricated.Certified.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, Chain.Genesis, fabricated.Changes, fabricated.TargetLeafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("node-set anchor 1 is not certified by the nodes before it"));
    }

    [Test]
    public void Before_GovernanceChangeWhoseProofFails_IsRefused()
    {
        var bundle = Governed.NewKeyBundle();
        var tampered = bundle.GovernanceChanges.Select(c => new GovernanceChangeEvidence
        {
            Transaction = c.Transaction,
            Result = new TransactionResult { Code = c.Result.Code, Reason = c.Result.Reason + " " },
            BlockHeight = c.BlockHeight,
            Position = c.Position,
            LogInclusion = c.LogInclusion,
        }).ToList();

        Assert.That(() => ReceiptNodeSet.Before(Governed.Genesis, tampered, bundle.CertifiedHeader.Header, GovernedAnchors()), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("inclusion proof"));
    }

    [Test]
    public void Verify_LeafIndexInUnprotectedProofDiffersFromTheSignedOne_IsRefused()
    {
        var (_, leafHash, bundle) = Issue();
        var other = Chain.Log.BuildInclusionProof(bundle.LogInclusion.LeafIndex + 1, Chain.Block2.Header.LogSize);
        var receipt = CoseReceiptForger.Sign(Chain.NodeKeys[0], CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, Chain.Block2), Chain.Block2.Header.LogSize, bundle.LogInclusion.LeafIndex + 1, other, Chain.Block2.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not the signed leaf index"));
    }

    [Test]
    public void Verify_TreeSizeInUnprotectedProofDiffersFromTheAttestedLogSize_IsRefused()
    {
        var (_, leafHash, bundle) = Issue();
        var block1Size = Chain.Block1.Header.LogSize;
        var receipt = CoseReceiptForger.Sign(Chain.NodeKeys[0], CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, Chain.Block2), block1Size + 1, bundle.LogInclusion.LeafIndex, Path(bundle.LogInclusion), Chain.Block2.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not the attested log size"));
    }

    [Test]
    public void Verify_LogSizeChangedInTheSignedBlockHeader_IsRefused()
    {
        var (_, leafHash, bundle) = Issue();
        var header = Chain.Block2.Header.Clone();
        header.LogSize += 1;
        var changed = new CertifiedHeader { Header = header };
        changed.Attestations.AddRange(Chain.Block2.Attestations);
        var receipt = Forge(Chain.NodeKeys[0], CoseReceiptClaims.From(bundle.LogInclusion.LeafIndex, changed), bundle.LogInclusion, header);

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not certified"));
    }

    [Test]
    public void Verify_LeafOfAnEarlierBlockProvenInThisBlocksLog_IsRefused()
    {
        // Leaf 0 (block 1) is genuinely in block 2's log, but the receipt would date it to block 2.
        var first = Chain.Blocks[0];
        var leafHash = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(Chain.Suite.Hash, first.Transactions[0]), first.Results[0], Chain.Suite.Hash);
        var size = Chain.Block2.Header.LogSize;
        var receipt = CoseReceiptForger.Sign(Chain.NodeKeys[0], CoseReceiptClaims.From(0, Chain.Block2), size, 0, Chain.Log.BuildInclusionProof(0, size), Chain.Block2.Header.LogRoot.ToByteArray());

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("is not one of block 2's leaves"));
    }

    [Test]
    public void Verify_ReceiptOfAnotherChain_IsRefused()
    {
        var (receipt, leafHash, _) = Issue();

        Assert.That(() => CoseReceipts.Verify(receipt, new ConsortiumState(Governed.Genesis), leafHash), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("not the genesis chain 'gov-chain'"));
    }

    [Test]
    public void Verify_OtherLeaf_IsRefused()
    {
        var (receipt, leafHash, _) = Issue();
        leafHash[0] ^= 1;

        Assert.That(() => CoseReceipts.Verify(receipt, GenesisNodes, leafHash), Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_AnyByteOfReceiptChanged_IsRefused()
    {
        var (receipt, leafHash, _) = Issue();
        var accepted = new List<int>();
        for (var i = 0; i < receipt.Length; i++)
        {
            var mutated = (byte[])receipt.Clone();
            mutated[i] ^= 0x01;
            try
            {
                CoseReceipts.Verify(mutated, GenesisNodes, leafHash);
                accepted.Add(i);
            }
            catch (CoseReceiptException)
            {
            }
        }

        Assert.That(accepted, Is.Empty);
    }

    [Test]
    public void Create_Ed25519Key_IsRefusedWithReason()
    {
        var key = CryptoSuites.Ed25519.GenerateKeyPair();
        var bundle = Chain.WorkBundle();

        Assert.That(
            () => CoseReceipts.Create(key, Chain.Block2, bundle.LogInclusion.LeafIndex, Path(bundle.LogInclusion), [], Chain.Genesis, [], LeafHash(bundle)),
            Throws.TypeOf<CoseReceiptException>().With.Message.Contains("ed25519"));
    }

    private static (byte[] Receipt, byte[] LeafHash, EvidenceBundle Bundle) Issue()
    {
        var bundle = Chain.WorkBundle();
        var leafHash = LeafHash(bundle);
        var receipt = CoseReceipts.Create(Chain.NodeKeys[0], Chain.Block2, bundle.LogInclusion.LeafIndex, Path(bundle.LogInclusion), [], Chain.Genesis, [], leafHash);
        return (receipt, leafHash, bundle);
    }

    private static byte[] Forge(KeyPair issuer, CoseReceiptClaims claims, InclusionProof proof, BlockHeader? header = null)
    {
        header ??= Chain.Block2.Header;
        return CoseReceiptForger.Sign(issuer, claims, header.LogSize, proof.LeafIndex, Path(proof), header.LogRoot.ToByteArray());
    }

    /// <summary>Blocks 2 (removes node-3) and 4 (adds node-4) of <see cref="Governed"/>, each certified by the nodes before it.</summary>
    private static IReadOnlyList<NodeSetAnchor> GovernedAnchors()
    {
        var last = Governed.Blocks[4].Header;
        return [.. new[] { 2, 4 }.Select(height =>
        {
            var header = Governed.Blocks[height - 1].Header;
            var attestations = Governed.Attestations[height - 1].Select(a => new CoseReceiptAttestation(a.NodeId, a.KeyId.ToByteArray(), a.Signature.ToByteArray())).ToList();
            return new NodeSetAnchor(header, attestations, Governed.Log.BuildConsistencyProof(header.LogSize, last.LogSize));
        })];
    }

    private static CertifiedHeader Certified(BlockHeader header, params Attestation[] attestations)
    {
        var certified = new CertifiedHeader { Header = header };
        certified.Attestations.AddRange(attestations);
        return certified;
    }

    private static byte[] LeafHash(EvidenceBundle bundle) =>
        LogLeaf.MerkleLeafHash(bundle.TransactionHash, bundle.Result, CryptoSuites.Get(Core.Consortium.ConsortiumGenesis.Parse(bundle.Genesis).Suite).Hash);

    private static List<byte[]> Path(InclusionProof proof) => [.. proof.Path.Select(p => p.ToByteArray())];
}
