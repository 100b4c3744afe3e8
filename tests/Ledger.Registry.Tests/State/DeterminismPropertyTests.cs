using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.State;

/// <summary>
/// Property: random sequences of valid and invalid transactions, applied block by block to two
/// fresh registries, give identical outcomes, writes and state roots, and the incremental root
/// always equals the root recomputed from scratch. Seeded; a failing seed replays exactly.
/// </summary>
public sealed class DeterminismPropertyTests
{
    private static readonly string[] Signers = [Admin1, Admin2, Admin3, Platform, Court, Alice, Bob, Auditor];

    [TestCase(1, false)]
    [TestCase(2, false)]
    [TestCase(3, false)]
    [TestCase(20261125, false)]
    [TestCase(1, true)]
    [TestCase(20261125, true)]
    public void RandomTransactionSequences_OnTwoFreshStates_GiveIdenticalResultsAndRoots(int seed, bool rightReadsAhead)
    {
        // With rightReadsAhead the right state offers batched reads, so its applier prefetches
        // the block's nonces, content hashes and work keys (as over RocksDB) and the left does not.
        var left = new TestChain(DefaultGenesis(proposalExpiryBlocks: 4));
        var right = new TestChain(DefaultGenesis(proposalExpiryBlocks: 4), multiGetReads: rightReadsAhead);
        var leftScript = new Script(new Random(seed));
        var rightScript = new Script(new Random(seed));
        var okCount = 0;
        var rejectedCount = 0;

        for (var height = 0; height < 40; height++)
        {
            var blockSize = height % 5 == 0 ? 0 : 1 + (height % 7);
            var leftBlock = left.ApplyBlock(leftScript.NextBlock(left, blockSize));
            var rightBlock = right.ApplyBlock(rightScript.NextBlock(right, blockSize));

            Assert.That(leftBlock.Outcomes.Select(o => o.ToProto()), Is.EqualTo(rightBlock.Outcomes.Select(o => o.ToProto())), $"outcomes at height {height + 1}");
            Assert.That(leftBlock.StateRoot, Is.EqualTo(rightBlock.StateRoot), $"root at height {height + 1}");
            Assert.That(leftBlock.Writes.Select(w => (w.Key.ToString(), w.Value is null ? "-" : Convert.ToHexString(w.Value))),
                Is.EqualTo(rightBlock.Writes.Select(w => (w.Key.ToString(), w.Value is null ? "-" : Convert.ToHexString(w.Value)))));
            Assert.That(leftBlock.StateRoot, Is.EqualTo(left.RecomputedRoot()), $"incremental vs recomputed at height {height + 1}");
            okCount += leftBlock.Outcomes.Count(o => o.IsOk);
            rejectedCount += leftBlock.Outcomes.Count(o => !o.IsOk);
        }

        Assert.That(right.BatchedReads > 0, Is.EqualTo(rightReadsAhead), "the right applier read ahead exactly when its state offers batched reads");
        Assert.That(okCount, Is.GreaterThan(20), "the script must exercise accepted transactions");
        Assert.That(rejectedCount, Is.GreaterThan(20), "and rejected ones");
    }

    /// <summary>Draws transactions from a seeded source, using ids the chain has produced so far.</summary>
    private sealed class Script(Random random)
    {
        private readonly List<ByteString> works = [];
        private readonly List<ByteString> claims = [];
        private readonly List<ByteString> licenses = [];
        private readonly List<ByteString> proposals = [];

        public RegistryTransaction[] NextBlock(TestChain chain, int size)
        {
            var block = new RegistryTransaction[size];
            for (var i = 0; i < size; i++)
            {
                block[i] = Next(chain);
            }

            return block;
        }

        private RegistryTransaction Next(TestChain chain)
        {
            var seed = random.Next(30).ToString(System.Globalization.CultureInfo.InvariantCulture);
            RegistryTransaction tx;
            switch (random.Next(12))
            {
                case 0 or 1:
                    var signer = Likely(Platform, Alice, Bob);
                    var holder = random.Next(2) == 0 ? Sample.Member(signer) : Sample.External($"seller-{seed}");
                    tx = chain.Tx(signer, TransactionType.RegisterWork, Sample.Work(seed, holder, perceptualHash: (ulong)random.NextInt64()));
                    works.Add(Sample.WorkIdOf(tx.TxHash));
                    break;
                case 2:
                    var items = Enumerable.Range(0, 1 + random.Next(5)).Select(k => Sample.Item($"{seed}-{random.Next(8)}", $"sku-{k}", (ulong)random.NextInt64())).ToList();
                    var batch = Sample.Batch(Sample.External("brand"), items);
                    if (random.Next(4) == 0)
                    {
                        batch.Body.MerkleRoot = Sample.Hash("wrong");
                    }

                    tx = chain.Tx(Likely(Platform), TransactionType.BatchRegister, batch);
                    for (var k = 0; k < items.Count; k++)
                    {
                        works.Add(Sample.WorkIdOf(tx.TxHash, (uint)k));
                    }

                    break;
                case 3:
                    tx = chain.Tx(Likely(Alice, Bob, Platform), TransactionType.TransferOwnership, new TransferOwnership { WorkId = Pick(works), NewHolder = Sample.Member(Signers[random.Next(Signers.Length)]) });
                    break;
                case 4:
                    tx = chain.Tx(Likely(Alice, Bob, Platform), TransactionType.GrantLicense, new GrantLicense { WorkId = Pick(works), Licensee = Sample.External("l"), Scope = "web", Territory = "CN", StartUnixMs = 1, EndUnixMs = random.Next(3) });
                    licenses.Add(ByteString.CopyFrom(tx.TxHash));
                    break;
                case 5:
                    tx = chain.Tx(Likely(Alice, Bob, Platform), TransactionType.RevokeLicense, new RevokeLicense { LicenseId = Pick(licenses) });
                    break;
                case 6:
                    tx = chain.Tx(Likely(Platform), TransactionType.FileClaim, Sample.Claim(Pick(works), random.Next(2) == 0 ? "" : Bob));
                    claims.Add(ByteString.CopyFrom(tx.TxHash));
                    break;
                case 7:
                    tx = chain.Tx(Likely(Platform, Bob), TransactionType.RespondToClaim, new RespondToClaim { ClaimId = Pick(claims), StatementHash = Sample.Hash(seed) });
                    break;
                case 8:
                    tx = chain.Tx(Likely(Platform), TransactionType.ResolveClaim, new ResolveClaim { ClaimId = Pick(claims), Resolution = (ClaimResolution)random.Next(4) });
                    break;
                case 9:
                    tx = chain.Tx(Likely(Court), TransactionType.RecordJudgment, new RecordJudgment { ClaimId = Pick(claims), Ruling = Ruling.Settled, JudgmentDocumentHash = Sample.Hash(seed), CaseNumber = "c" });
                    break;
                case 10:
                    var change = random.Next(3) switch
                    {
                        0 => new ProposeChange { ChangeThreshold = new ChangeApprovalThreshold { Threshold = (uint)random.Next(4) } },
                        1 => new ProposeChange { ChangeRole = new ChangeMemberRole { MemberId = Signers[random.Next(Signers.Length)], Role = (MemberRole)(1 + random.Next(5)) } },
                        _ => new ProposeChange { AddNode = new AddNode { NodeId = $"node-{seed}", Address = "a", Key = new MemberPublicKey { Suite = "p256-sha256", PublicKey = ByteString.CopyFromUtf8($"node-{seed}") } } },
                    };
                    tx = chain.Tx(Likely(Admin1, Admin2, Admin3), TransactionType.ProposeChange, change);
                    proposals.Add(ByteString.CopyFrom(tx.TxHash));
                    break;
                default:
                    tx = chain.Tx(Likely(Admin1, Admin2, Admin3), TransactionType.Vote, new Vote { ProposalId = Pick(proposals), Approve = random.Next(3) > 0 });
                    break;
            }

            return tx;
        }

        // Mostly a signer whose role fits, sometimes anyone (to exercise role rejections).
        private string Likely(params string[] fitting) =>
            random.Next(5) == 0 ? Signers[random.Next(Signers.Length)] : fitting[random.Next(fitting.Length)];

        private ByteString Pick(List<ByteString> ids) =>
            ids.Count == 0 || random.Next(10) == 0 ? Sample.Hash($"unknown-{random.Next(100)}") : ids[random.Next(ids.Count)];
    }
}
