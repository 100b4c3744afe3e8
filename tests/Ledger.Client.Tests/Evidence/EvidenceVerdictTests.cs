using Google.Protobuf;
using Ledger.Cli.Evidence;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Evidence;

/// <summary>
/// The verdict a court reads (issue 15, points 1–3): VALID only for what the ledger accepted, anchored
/// in a trusted genesis; REJECTED, with the earlier registration proven too, for what it refused;
/// NOT ANCHORED without a trusted genesis. On <see cref="SampleChain"/>: studio registers a photo and a
/// batch in block 1, platform registers the same content again in block 2.
/// </summary>
public sealed class EvidenceVerdictTests
{
    private static readonly SampleChain Chain = new();

    private static EvidenceVerificationOptions Pinned => new() { TrustedGenesisSha256 = Chain.GenesisSha256 };

    private static EvidenceReport RoundTripAndVerify(EvidenceBundle bundle, EvidenceVerificationOptions? options = null) =>
        EvidenceVerifier.Verify(EvidenceBundleJson.Parse(EvidenceBundleJson.Write(bundle)), options ?? Pinned);

    private static string Describe(EvidenceReport report) =>
        string.Join("\n", report.Checks.Select(c => $"{c.Name}: {c.Status} {c.Detail}"));

    [Test]
    public void Verify_WithoutTrustedGenesis_IsNotAnchoredNeverValidAndSaysWhatIsNeeded()
    {
        var report = RoundTripAndVerify(Chain.StudioWorkBundle(), new EvidenceVerificationOptions());

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.NotAnchored), Describe(report));
        Assert.That(report.Checks.Single(c => c.Name == EvidenceVerifier.CheckGenesis).Status, Is.EqualTo(EvidenceCheckStatus.NotAnchored));
        Assert.That(report.Checks.Where(c => c.Name != EvidenceVerifier.CheckGenesis).Select(c => c.Status), Has.None.EqualTo(EvidenceCheckStatus.Failed));
        Assert.That(report.Conclusion, Does.StartWith("NOT ANCHORED").And.Contain("--genesis FILE").And.Contain("--genesis-sha256 HEX"));
    }

    [Test]
    public void Verify_WithoutTrustedGenesisAndAFailedCheck_IsInvalid()
    {
        var report = RoundTripAndVerify(Chain.PlatformWorkBundle(withPrior: false), new EvidenceVerificationOptions());

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
    }

    [Test]
    public void Verify_AcceptedWorkAnchored_IsValid()
    {
        var report = RoundTripAndVerify(Chain.StudioWorkBundle());

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid), Describe(report));
        Assert.That(report.Decision, Is.EqualTo(LedgerDecision.Accepted));
        Assert.That(report.Conclusion, Is.EqualTo("VALID — every check passed: the ledger accepted this registration."));
    }

    [TestCase(0)]
    [TestCase(3)]
    public void Verify_AcceptedBatchItem_IsValid(int item)
    {
        var report = RoundTripAndVerify(Chain.PlatformItemBundle(item));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid), Describe(report));
        Assert.That(report.BatchItemIndex, Is.EqualTo((uint)item));
        Assert.That(report.Checks.Single(c => c.Name == EvidenceVerifier.CheckItemOutcome).Detail, Does.StartWith("ACCEPTED"));
    }

    [Test]
    public void Verify_BatchItemRejectedAsDuplicate_IsRejectedWithTheEarlierWorkNeverValid()
    {
        // The repro: item 1 of platform's batch carries the content of studio's earlier work.
        var report = RoundTripAndVerify(Chain.PlatformItemBundle(1));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), Describe(report));
        Assert.That(report.Decision, Is.EqualTo(LedgerDecision.Rejected));
        Assert.That(report.RejectionReason, Does.StartWith("DuplicateContentHash: content already registered as work"));
        Assert.That(report.Prior!.SignerMemberId, Is.EqualTo("studio"));
        Assert.That(report.Prior.BlockHeight, Is.EqualTo(1));
        Assert.That(report.Conclusion, Does.StartWith(
            "REJECTED — the ledger refused this batch item (#1): the same content was registered earlier by member 'studio' in block 1 at 2026-01-05 09:00:00.000 UTC (tx "));
        Assert.That(report.Conclusion, Does.EndWith("both are proven below."));
    }

    [Test]
    public void Verify_RejectedRegistrationWithItsPrior_IsRejectedAndNamesTheEarlierRegistration()
    {
        var bundle = Chain.PlatformWorkBundle();

        var report = RoundTripAndVerify(bundle);

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), Describe(report));
        Assert.That(report.SignerMemberId, Is.EqualTo("platform"));
        Assert.That(report.Prior!.TxHashHex, Is.EqualTo(Convert.ToHexStringLower(bundle.Result.ReferenceTxHash.Span)));
        Assert.That(report.Prior.AttestingNodeIds, Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(report.Prior.BlockTimestampUnixMs, Is.EqualTo(SampleChain.Block1UnixMs));
        Assert.That(report.Conclusion, Does.StartWith(
            "REJECTED — the ledger refused this registration: the same content was registered earlier by member 'studio' in block 1 at 2026-01-05 09:00:00.000 UTC (tx "
            + report.Prior.TxHashHex + "); both are proven below."));
    }

    [Test]
    public void Verify_RejectedItemWhosePriorIsABatchItem_ProvesThePriorItemAndItsOutcome()
    {
        var report = RoundTripAndVerify(Chain.PlatformItemBundle(2));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), Describe(report));
        Assert.That(report.Prior!.BatchItemIndex, Is.EqualTo(1u));
        Assert.That(report.Conclusion, Does.Contain(", batch item #1); both are proven below."));
    }

    [Test]
    public void Verify_RejectedWorkWhosePriorIsABatchItem_IsRejected()
    {
        var report = RoundTripAndVerify(Chain.PlatformCopyOfItemBundle());

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), Describe(report));
        Assert.That(report.Prior!.BatchItemIndex, Is.EqualTo(2u));
    }

    [Test]
    public void Verify_RejectionNamingAPriorTheBundleLacks_IsInvalid()
    {
        var report = RoundTripAndVerify(Chain.PlatformWorkBundle(withPrior: false));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckPrior));
    }

    [Test]
    public void Verify_RejectedItemClaimingAnAcceptedOutcome_IsInvalid()
    {
        var honest = Chain.PlatformItemBundle(1, withPrior: false);
        var forged = With(honest, new BatchItemEvidence
        {
            Item = honest.BatchItem!.Item, ItemProof = honest.BatchItem.ItemProof,
            Outcome = BatchItemOutcome.Accepted(1), OutcomeProof = honest.BatchItem.OutcomeProof,
        }, prior: null);

        var report = RoundTripAndVerify(forged);

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckItemOutcome));
    }

    [Test]
    public void Verify_ItemBundleWithoutOutcome_IsInvalid()
    {
        var honest = Chain.PlatformItemBundle(0);
        var stripped = With(honest, new BatchItemEvidence { Item = honest.BatchItem!.Item, ItemProof = honest.BatchItem.ItemProof }, prior: null);

        var report = RoundTripAndVerify(stripped);

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckItemOutcome));
    }

    [Test]
    public void Verify_PriorThatIsNotTheNamedRegistration_IsInvalid()
    {
        // Platform's rejection names studio's work; a bundle offering studio's batch item instead is refused.
        var other = Chain.PlatformCopyOfItemBundle().PriorRegistration;
        var report = RoundTripAndVerify(With(Chain.PlatformWorkBundle(), null, other));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckPrior));
    }

    [Test]
    public void Verify_PriorOnAcceptedRegistration_IsInvalid()
    {
        var report = RoundTripAndVerify(With(Chain.PlatformItemBundle(0), Chain.PlatformItemBundle(0).BatchItem, Chain.PlatformWorkBundle().PriorRegistration));

        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckPrior));
    }

    [Test]
    public void Verify_AnySingleByteChangedInRejectedBundleWithPriorItem_IsInvalidOrDoesNotParse()
    {
        // Every byte outside the genesis value, and a stride through the (long, base64) genesis.
        var original = EvidenceBundleJson.Write(Chain.PlatformItemBundle(2));
        var genesisStart = original.AsSpan().IndexOf("\"genesis\":\""u8) + "\"genesis\":\"".Length;
        var genesisEnd = Array.IndexOf(original, (byte)'"', genesisStart);
        var undetected = new List<string>();
        for (var i = 0; i < original.Length; i += i >= genesisStart && i < genesisEnd ? 7 : 1)
        {
            var mutated = (byte[])original.Clone();
            mutated[i] ^= 0x01;
            if (!IsInvalid(mutated))
            {
                undetected.Add($"byte {i} ('{(char)original[i]}')");
            }
        }

        Assert.That(undetected, Is.Empty);
    }

    [Test]
    public void Write_ParsedBundle_GivesTheSameBytes()
    {
        foreach (var bundle in new[] { Chain.StudioWorkBundle(), Chain.PlatformWorkBundle(), Chain.PlatformItemBundle(2), Chain.PlatformCopyOfItemBundle() })
        {
            var bytes = EvidenceBundleJson.Write(bundle);

            Assert.That(EvidenceBundleJson.Write(EvidenceBundleJson.Parse(bytes)), Is.EqualTo(bytes));
        }
    }

    [Test]
    public void Parse_TransactionWithDetachedItems_IsMalformed()
    {
        var json = System.Text.Encoding.UTF8.GetString(EvidenceBundleJson.Write(Chain.PlatformItemBundle(0)));
        var withoutItems = Convert.ToBase64String(Chain.PlatformItemBundle(0).Transaction.ToByteArray());
        var withItems = Convert.ToBase64String(Chain.PlatformBatch.ToByteArray());

        Assert.That(
            () => EvidenceBundleJson.Parse(System.Text.Encoding.UTF8.GetBytes(json.Replace(withoutItems, withItems, StringComparison.Ordinal))),
            Throws.TypeOf<EvidenceFormatException>().With.Message.Contains("detached"));
    }

    [Test]
    public void Verify_FormatOneBundles_WholeTransactionStillVerifiesAndAnItemIsInvalid()
    {
        static byte[] AsFormatOne(EvidenceBundle bundle)
        {
            var json = System.Text.Encoding.UTF8.GetString(EvidenceBundleJson.Write(bundle))
                .Replace("\"formatVersion\":2", "\"formatVersion\":1", StringComparison.Ordinal)
                .Replace(",\"priorRegistration\":null", "", StringComparison.Ordinal);
            json = json[..json.IndexOf(",\"checkpoint\":", StringComparison.Ordinal)] + "}";
            json = System.Text.RegularExpressions.Regex.Replace(json, ",\"itemOutcomesRoot\":\"[0-9a-f]*\"", "");
            json = System.Text.RegularExpressions.Regex.Replace(json, ",\"outcome\":\\{[^}]*\\},\"outcomeProof\":\\{[^}]*\\}", "");
            return System.Text.Encoding.UTF8.GetBytes(json);
        }

        var work = EvidenceBundleJson.Parse(AsFormatOne(Chain.StudioWorkBundle()));
        var item = EvidenceBundleJson.Parse(AsFormatOne(Chain.StudioItemBundle(0)));

        Assert.That(work.FormatVersion, Is.EqualTo(EvidenceBundle.FormatVersion1));
        Assert.That(EvidenceVerifier.Verify(work, Pinned).Verdict, Is.EqualTo(EvidenceVerdict.Valid));
        Assert.That(item.BatchItem!.Outcome, Is.Null);
        Assert.That(EvidenceVerifier.Verify(item, Pinned).Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(EvidenceVerifier.Verify(item, Pinned).Checks.Single(c => c.Name == EvidenceVerifier.CheckItemOutcome).Status, Is.EqualTo(EvidenceCheckStatus.Failed));
    }

    [Test]
    public void Verify_CosignedCheckpoint_ReportsTheWitnessThatVouchedForTheLog()
    {
        var report = RoundTripAndVerify(Chain.StudioWorkBundle());

        Assert.That(report.Checks.Single(c => c.Name == EvidenceVerifier.CheckCheckpoint).Status, Is.EqualTo(EvidenceCheckStatus.Passed), Describe(report));
        Assert.That(report.Checkpoint!.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { SampleChain.WitnessName }));
        Assert.That(report.Checkpoint.SigningNodeIds, Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(report.Checkpoint.TreeSize, Is.EqualTo(5));
    }

    [Test]
    public void Verify_CheckpointWithoutAValidConsistencyProof_IsInvalid()
    {
        // Studio's bundle is in block 1 (log size 2), the checkpoint is of size 5: without its proof the log is not shown to be a prefix.
        var bundle = Chain.StudioWorkBundle();
        var forked = new CheckpointEvidence { SignedNote = bundle.Checkpoint!.SignedNote, ConsistencyPath = [.. bundle.Checkpoint.ConsistencyPath.Select(h => h.Reverse().ToArray())] };

        var report = RoundTripAndVerify(WithCheckpoint(bundle, forked));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckCheckpoint));
    }

    [Test]
    public void Verify_CheckpointWithAnUnverifiableLine_IsInvalid()
    {
        var bundle = Chain.StudioWorkBundle();
        var note = bundle.Checkpoint!.SignedNote;
        var unknown = note.Replace("\u2014 witness-1 ", "\u2014 witness-2 ", StringComparison.Ordinal);
        Assert.That(unknown, Is.Not.EqualTo(note));

        var report = RoundTripAndVerify(WithCheckpoint(bundle, new CheckpointEvidence { SignedNote = unknown, ConsistencyPath = bundle.Checkpoint.ConsistencyPath }));

        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckCheckpoint));
    }

    private static EvidenceBundle WithCheckpoint(EvidenceBundle bundle, CheckpointEvidence checkpoint) => new()
    {
        Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
        Position = bundle.Position, LogInclusion = bundle.LogInclusion, CertifiedHeader = bundle.CertifiedHeader, Genesis = bundle.Genesis,
        GovernanceChanges = bundle.GovernanceChanges, BatchItem = bundle.BatchItem, PriorRegistration = bundle.PriorRegistration, Checkpoint = checkpoint,
    };

    private static bool IsInvalid(byte[] json)
    {
        EvidenceBundle bundle;
        try
        {
            bundle = EvidenceBundleJson.Parse(json);
        }
        catch (EvidenceFormatException)
        {
            return true;
        }

        return EvidenceVerifier.Verify(bundle, Pinned).Verdict == EvidenceVerdict.Invalid;
    }

    private static EvidenceBundle With(EvidenceBundle bundle, BatchItemEvidence? item, PriorRegistrationEvidence? prior) => new()
    {
        Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
        Position = bundle.Position, LogInclusion = bundle.LogInclusion, CertifiedHeader = bundle.CertifiedHeader, Genesis = bundle.Genesis,
        GovernanceChanges = bundle.GovernanceChanges, BatchItem = item, PriorRegistration = prior, Checkpoint = bundle.Checkpoint,
    };
}
