using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Envelope;

/// <summary>
/// A signed transaction is untrusted input: whatever its body, applying it must yield an outcome,
/// never an exception (an exception would stop every replica on the same block).
/// </summary>
public sealed class HostileInputTests
{
    [TestCase(7)]
    [TestCase(8)]
    public void MutatedBodies_OfEveryType_AreAppliedWithoutThrowing(int seed)
    {
        var random = new Random(seed);
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("base", Sample.Member(Alice)));
        var workId = Sample.WorkIdOf(chain.LastTxHash);
        (string Signer, TransactionType Type, IMessage Body)[] templates =
        [
            (Alice, TransactionType.RegisterWork, Sample.Work("x", Sample.Member(Alice), perceptualHash: 5)),
            (Platform, TransactionType.BatchRegister, HostileBatch.Body),
            (Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = workId, NewHolder = Sample.Member(Bob) }),
            (Alice, TransactionType.GrantLicense, new GrantLicense { WorkId = workId, Licensee = Sample.Member(Bob), Scope = "s", Territory = "t" }),
            (Alice, TransactionType.RevokeLicense, new RevokeLicense { LicenseId = Sample.Hash("l") }),
            (Platform, TransactionType.FileClaim, Sample.Claim(workId, Bob)),
            (Platform, TransactionType.RespondToClaim, new RespondToClaim { ClaimId = Sample.Hash("c"), StatementHash = Sample.Hash("s") }),
            (Platform, TransactionType.ResolveClaim, new ResolveClaim { ClaimId = Sample.Hash("c"), Resolution = ClaimResolution.Takedown }),
            (Court, TransactionType.PreserveEvidence, new PreserveEvidence { MaterialHash = Sample.Hash("m"), CaptureUnixMs = 1, Method = CaptureMethod.Other }),
            (Court, TransactionType.RecordJudgment, new RecordJudgment { ClaimId = Sample.Hash("c"), Ruling = Ruling.Dismissed, JudgmentDocumentHash = Sample.Hash("d"), CaseNumber = "n" }),
            (Admin1, TransactionType.ProposeChange, new ProposeChange { AddMember = new AddMember { MemberId = "m", Role = MemberRole.Auditor, Keys = { new MemberPublicKey { Suite = "ed25519", PublicKey = ByteString.CopyFromUtf8("k") } } } }),
            (Admin1, TransactionType.ProposeChange, new ProposeChange { AddNode = new AddNode { NodeId = "n", Address = "a", Key = new MemberPublicKey { Suite = "ed25519", PublicKey = ByteString.CopyFromUtf8("nk") } } }),
            (Admin1, TransactionType.Vote, new Vote { ProposalId = Sample.Hash("p"), Approve = true }),
        ];

        var applied = 0;
        for (var round = 0; round < 150; round++)
        {
            var block = new List<Ledger.Registry.Applying.RegistryTransaction>();
            foreach (var (signer, type, body) in templates)
            {
                var bytes = body.ToByteArray();
                var mutations = 1 + random.Next(4);
                for (var m = 0; m < mutations && bytes.Length > 0; m++)
                {
                    switch (random.Next(3))
                    {
                        case 0:
                            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                            break;
                        case 1:
                            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                            break;
                        default:
                            bytes = bytes[..random.Next(bytes.Length)];
                            break;
                    }
                }

                // A batch keeps its detached items (so mutated bodies reach the item checks); a third of
                // the time they are mutated instead of the body.
                var detached = type == TransactionType.BatchRegister ? HostileBatch.Items.ToByteArray() : null;
                if (detached is not null && random.Next(3) == 0)
                {
                    bytes = body.ToByteArray();
                    detached[random.Next(detached.Length)] ^= (byte)(1 << random.Next(8));
                }

                block.Add(chain.Tx(signer, type, ByteString.CopyFrom(bytes), detachedItems: detached is null ? null : ByteString.CopyFrom(detached)));
            }

            Assert.That(() => chain.ApplyBlock([.. block]), Throws.Nothing, $"round {round}");
            applied += block.Count;
        }

        Assert.That(chain.LastBlock!.StateRoot, Is.EqualTo(chain.RecomputedRoot()));
        Assert.That(applied, Is.EqualTo(150 * templates.Length));
    }

    private static readonly TestBatch HostileBatch = Sample.Batch(Sample.External("b"), [Sample.Item("i", "sku", 3), Sample.Item("j", "sku-2")]);
}
