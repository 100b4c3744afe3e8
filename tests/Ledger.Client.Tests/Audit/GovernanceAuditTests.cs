using Ledger.Cli.Infrastructure;
using Ledger.Client.Audit;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Audit;

/// <summary>
/// Issue #7: certified headers are checked against the node keys at their height — the genesis plus
/// the governance changes recorded before it — and transaction signatures against the member
/// keys in force at their position. The chain is built by the real registry applier.
/// </summary>
public sealed class GovernanceAuditTests
{
    private static readonly GovernanceChain Chain = new();

    [Test]
    public void GovernanceChain_RegistryExecutedEveryChange_AsTheAuditorReadsIt()
    {
        var results = Chain.Blocks.SelectMany(b => b.Results).ToList();

        Assert.That(results.Count(r => r.Reason.Contains(ConsortiumState.ExecutedMarker, StringComparison.Ordinal)), Is.EqualTo(3), string.Join(" | ", results.Select(r => r.Reason)));
        Assert.That(Chain.Blocks[4].Results[0].Code, Is.EqualTo(ResultCode.Rejected), "the retired key's transaction");
        Assert.That(Chain.Blocks[4].Results[1].Code, Is.EqualTo(ResultCode.Ok), "the new key's transaction");
    }

    [Test]
    public void Audit_NodeReplacedAndMemberKeyRotatedMidChain_EveryBlockCertifiedByTheNodesOfItsHeight()
    {
        var auditor = new ChainAuditor(Chain.Genesis);

        var passed = auditor.Append(Chain.Blocks, Chain.Attestations);

        Assert.That(passed, Is.True, auditor.Failure?.ToString());
        Assert.That(auditor.CertifiedBlocks, Is.EqualTo(5UL));
        Assert.That(auditor.Consortium.ActiveNodes.Keys, Is.EquivalentTo(new[] { "node-1", "node-2", "node-4" }));
        Assert.That(auditor.Consortium.ChangesExecuted, Is.EqualTo(3));
    }

    [Test]
    public void Audit_ForgedTransactionTheLedgerRecordedAsRejected_PassesAsTheLedgerRefusingIt()
    {
        var chain = new GovernanceChain();
        chain.AppendForgedAnchor();
        var auditor = new ChainAuditor(chain.Genesis);

        var passed = auditor.Append(chain.Blocks, chain.Attestations);

        Assert.That(chain.Blocks[^1].Results[0].Reason, Does.StartWith("BadSignature:"));
        Assert.That(passed, Is.True, auditor.Failure?.ToString());
        Assert.That(auditor.CertifiedBlocks, Is.EqualTo(6UL));
    }

    [Test]
    public void Audit_GenesisOnlyNodeSet_WouldNotAcceptBlock5()
    {
        // The same block-5 attestations checked against the genesis nodes: node-4 is unknown there.
        var failure = CertifiedHeaderVerifier.Check(Certified(5, Chain.Attestations[4]), Chain.Genesis);

        Assert.That(failure, Does.Contain("node-4"));
    }

    [Test]
    public void Audit_RemovedNodeAttestsAfterItsRemoval_NamesThatHeight()
    {
        var attestations = Copy();
        attestations[3].Add(Chain.Attest("node-3", Chain.NodeKey("node-3"), 4));
        var auditor = new ChainAuditor(Chain.Genesis);

        auditor.Append(Chain.Blocks, attestations);

        Assert.That(auditor.Failure?.Height, Is.EqualTo(4UL));
        Assert.That(auditor.Failure?.Reason, Does.Contain("'node-3', which is not a consortium node at height 4"));
    }

    [Test]
    public void Audit_AddedNodeAttestsBeforeItWasAdded_NamesThatHeight()
    {
        var attestations = Copy();
        attestations[3].Add(Chain.Attest("node-4", Chain.NodeKey("node-4"), 4));
        var auditor = new ChainAuditor(Chain.Genesis);

        auditor.Append(Chain.Blocks, attestations);

        Assert.That(auditor.Failure?.Height, Is.EqualTo(4UL));
        Assert.That(auditor.Failure?.Reason, Does.Contain("node-4"));
    }

    [Test]
    public void Audit_NewNodeSignsWithTheRemovedNodesKey_NamesThatHeight()
    {
        var attestations = Copy();
        attestations[4][2] = Chain.Attest("node-4", Chain.NodeKey("node-3"), 5);
        var auditor = new ChainAuditor(Chain.Genesis);

        auditor.Append(Chain.Blocks, attestations);

        Assert.That(auditor.Failure?.Height, Is.EqualTo(5UL));
        Assert.That(auditor.Failure?.Reason, Does.Contain("node 'node-4' does not verify with the node's key at height 5"));
    }

    [Test]
    public void AuditDataDir_StoppedNodeWithGovernanceChanges_PassesAndCountsCertifiedBlocks()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ledger-gov-audit-" + Guid.NewGuid().ToString("N"));
        try
        {
            Chain.WriteStore(directory);
            var auditor = new ChainAuditor(Chain.Genesis);

            var summary = StoreReader.Audit(directory, Chain.Genesis, auditor);

            Assert.That(auditor.Failure, Is.Null, auditor.Failure?.ToString());
            Assert.That(summary.CertifiedHeight, Is.EqualTo(5UL));
            Assert.That(auditor.LastCertifiedHeight, Is.EqualTo(5UL));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void FromCheckpoint_AfterTheNodeChanges_ResumesWithTheReplayedNodeSet()
    {
        var full = new ChainAuditor(Chain.Genesis);
        full.Append(Chain.Blocks.Take(4).ToList(), Chain.Attestations.Take(4).ToList<IReadOnlyList<Attestation>?>());
        var checkpoint = full.Checkpoint()!;
        var json = System.Text.Json.JsonSerializer.Serialize(checkpoint);
        var reread = System.Text.Json.JsonSerializer.Deserialize<AuditCheckpoint>(json)!;
        var lastLeaf = Ledger.Core.Blocks.LogLeaf.MerkleLeafHash(
            Ledger.Core.Signing.TransactionHashing.ComputeHash(Chain.Suite.Hash, Chain.Blocks[3].Transactions[^1]), Chain.Blocks[3].Results[^1], Chain.Suite.Hash);
        var path = FrontierPath(4);

        var resumed = ChainAuditor.FromCheckpoint(Chain.Genesis, reread, lastLeaf, path);
        var passed = resumed.Append(Chain.Blocks[4], Chain.Attestations[4]);

        Assert.That(passed, Is.True, resumed.Failure?.ToString());
        Assert.That(resumed.Consortium.ActiveNodes.Keys, Does.Contain("node-4"));
    }

    [Test]
    public void EvidenceBundle_SignerKeyAndNodeAddedByGovernance_VerifiesWithTheChangesIncluded()
    {
        var bundle = Chain.NewKeyBundle();

        var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(EvidenceBundleJson.Write(bundle)), new EvidenceVerificationOptions { TrustedGenesisSha256 = System.Security.Cryptography.SHA256.HashData(bundle.Genesis) });

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid), string.Join("\n", report.Checks.Select(c => $"{c.Name}: {c.Status} {c.Detail}")));
        Assert.That(report.SignerMemberId, Is.EqualTo("platform"));
        Assert.That(report.AttestingNodeIds, Does.Contain("node-4"));
    }

    [Test]
    public void EvidenceBundle_WithoutTheGovernanceChanges_FailsCertificationAndSigner()
    {
        var report = EvidenceVerifier.Verify(Chain.NewKeyBundle(withGovernance: false));

        Assert.That(Failed(report, EvidenceVerifier.CheckCertification), Does.Contain("node-4"));
        Assert.That(Failed(report, EvidenceVerifier.CheckSigner), Does.Contain("belongs to no member"));
    }

    [Test]
    public void EvidenceBundle_OneGovernanceChangeLeftOut_FailsTheReplay()
    {
        // Dropping the AddNode proposal leaves its executing vote without a proposal.
        var bundle = Chain.NewKeyBundle();
        var changes = bundle.GovernanceChanges.ToList();
        changes.RemoveAt(2);
        var trimmed = new EvidenceBundle
        {
            Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
            Position = bundle.Position, LogInclusion = bundle.LogInclusion, CertifiedHeader = bundle.CertifiedHeader, Genesis = bundle.Genesis, GovernanceChanges = changes,
        };

        var report = EvidenceVerifier.Verify(trimmed);

        Assert.That(Failed(report, EvidenceVerifier.CheckGovernance), Does.Contain("not an open proposal"));
    }

    [Test]
    public void EvidenceBundle_PositionOutsideItsBlock_FailsTheGovernanceCheck()
    {
        // The replay orders the changes against the transaction's log leaf; a position past the
        // block's transactions has none, so the check cannot pass (it used to, on a leaf past the block).
        var bundle = Chain.NewKeyBundle();
        var outside = new EvidenceBundle
        {
            Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
            Position = bundle.CertifiedHeader.Header.TxCount + 5, LogInclusion = bundle.LogInclusion, CertifiedHeader = bundle.CertifiedHeader, Genesis = bundle.Genesis,
            GovernanceChanges = bundle.GovernanceChanges,
        };

        var report = EvidenceVerifier.Verify(outside);

        Assert.That(Failed(report, EvidenceVerifier.CheckGovernance), Does.Contain("is not a transaction of block 5"));
        Assert.That(Failed(report, EvidenceVerifier.CheckPosition), Does.Contain("is not a transaction of block 5"));
    }

    private static string Failed(EvidenceReport report, string check)
    {
        var found = report.Checks.Single(c => c.Name == check);
        Assert.That(found.Status, Is.EqualTo(EvidenceCheckStatus.Failed), found.Detail);
        return found.Detail;
    }

    private static CertifiedHeader Certified(ulong height, IEnumerable<Attestation> attestations)
    {
        var certified = new CertifiedHeader { Header = Chain.Blocks[(int)height - 1].Header };
        certified.Attestations.AddRange(attestations);
        return certified;
    }

    private static List<List<Attestation>> Copy() => [.. Chain.Attestations.Select(a => a.ToList())];

    private static List<byte[]> FrontierPath(int blocks)
    {
        var tree = new Ledger.Core.Merkle.MemoryMerkleTree(new Ledger.Core.Merkle.MerkleHasher(Chain.Suite.Hash), 64);
        foreach (var block in Chain.Blocks)
        {
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                tree.AppendLeafHash(Ledger.Core.Blocks.LogLeaf.MerkleLeafHash(Ledger.Core.Signing.TransactionHashing.ComputeHash(Chain.Suite.Hash, block.Transactions[i]), block.Results[i], Chain.Suite.Hash));
            }
        }

        var size = Chain.Blocks[blocks - 1].Header.LogSize;
        return [.. tree.BuildInclusionProof(size - 1, size)];
    }
}
