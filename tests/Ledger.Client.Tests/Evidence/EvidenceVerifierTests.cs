using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Evidence;

public sealed class EvidenceVerifierTests
{
    private static readonly TestChain Chain = new();

    private static EvidenceVerificationOptions Pinned(ContentDigest? content = null) =>
        new() { TrustedGenesisSha256 = TestChain.GenesisSha256(Chain), Content = content };

    private static EvidenceReport RoundTripAndVerify(EvidenceBundle bundle, EvidenceVerificationOptions options) =>
        EvidenceVerifier.Verify(EvidenceBundleJson.Parse(EvidenceBundleJson.Write(bundle)), options);

    [Test]
    public void Verify_WellFormedWorkBundle_EveryCheckPasses()
    {
        var report = RoundTripAndVerify(Chain.WorkBundle(), Pinned(new ContentDigest(SHA256.HashData(TestChain.WorkContent), null)));

        Assert.That(report.Checks.Where(c => c.Status == EvidenceCheckStatus.Failed), Is.Empty);
        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid));
        Assert.That(report.SignerMemberId, Is.EqualTo("platform"));
        Assert.That(report.AttestingNodeIds, Has.Count.EqualTo(3));
        Assert.That(report.Checks.Single(c => c.Name == EvidenceVerifier.CheckContent).Status, Is.EqualTo(EvidenceCheckStatus.Passed));
    }

    [Test]
    public void Verify_CertifiedBundle_ReportNamesWhoVouchedForTheTimeAndTheBound()
    {
        // The test genesis has no blockTimeSkewMilliseconds: the documented default applies.
        var report = RoundTripAndVerify(Chain.WorkBundle(), Pinned());

        Assert.That(report.BlockTimeSkewMilliseconds, Is.EqualTo(2_000));
        Assert.That(report.TimeVouchedFor, Is.EqualTo("time vouched for by node-1, node-2, node-3 within ±2 s"));
    }

    [Test]
    public void Verify_BatchItemBundle_ProvesItemToBatchRootAndLog()
    {
        for (var item = 0; item < Chain.Items.Count; item++)
        {
            var content = new ContentDigest(Chain.Items[item].ContentSha256.ToByteArray(), null);
            var report = RoundTripAndVerify(Chain.BatchItemBundle(item), Pinned(content));

            Assert.That(report.FirstFailure, Is.Null, $"item {item}");
            Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid), $"item {item}");
        }
    }

    [Test]
    public void Verify_DifferentContentFile_FailsContentCheck()
    {
        var report = RoundTripAndVerify(Chain.WorkBundle(), Pinned(new ContentDigest(SHA256.HashData("another file"u8), null)));

        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Invalid));
        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckContent));
    }

    [Test]
    public void Verify_OtherTrustedGenesis_FailsGenesisCheck()
    {
        var report = EvidenceVerifier.Verify(Chain.WorkBundle(), new EvidenceVerificationOptions { TrustedGenesisSha256 = new byte[32] });

        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckGenesis));
    }

    [Test]
    public void Verify_OnlyMinorityOfAttestations_FailsCertification()
    {
        var bundle = Chain.WorkBundle();
        var header = bundle.CertifiedHeader.Clone();
        header.Attestations.RemoveAt(2);
        header.Attestations.RemoveAt(1);
        var weakened = new EvidenceBundle
        {
            Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
            Position = bundle.Position, LogInclusion = bundle.LogInclusion, CertifiedHeader = header, Genesis = bundle.Genesis,
        };

        var report = EvidenceVerifier.Verify(weakened, Pinned());

        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckCertification));
    }

    [Test]
    public void Verify_TransactionFromAnotherBlockPosition_FailsPositionOrInclusion()
    {
        var bundle = Chain.WorkBundle();
        var moved = new EvidenceBundle
        {
            Transaction = bundle.Transaction, TransactionHash = bundle.TransactionHash, Result = bundle.Result, BlockHeight = bundle.BlockHeight,
            Position = bundle.Position + 1, LogInclusion = bundle.LogInclusion, CertifiedHeader = bundle.CertifiedHeader, Genesis = bundle.Genesis,
        };

        var report = EvidenceVerifier.Verify(moved, Pinned());

        Assert.That(report.FirstFailure!.Name, Is.EqualTo(EvidenceVerifier.CheckPosition));
    }

    [Test]
    public void Parse_NonCanonicalSpellings_AreRejected()
    {
        var json = Encoding.UTF8.GetString(EvidenceBundleJson.Write(Chain.WorkBundle()));
        var txHash = Convert.ToHexStringLower(Chain.WorkBundle().TransactionHash);

        Assert.Multiple(() =>
        {
            Assert.That(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(json.Replace(txHash, txHash.ToUpperInvariant(), StringComparison.Ordinal))), Throws.TypeOf<EvidenceFormatException>());
            Assert.That(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(json.Replace("\"position\":1", "\"position\":1.0", StringComparison.Ordinal))), Throws.TypeOf<EvidenceFormatException>());
            Assert.That(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(json.Replace("\"position\":1", "\"position\":1,\"position\":1", StringComparison.Ordinal))), Throws.TypeOf<EvidenceFormatException>());
            Assert.That(() => EvidenceBundleJson.Parse(Encoding.UTF8.GetBytes(json.Replace("\"position\":1", "\"position\":1,\"extra\":1", StringComparison.Ordinal))), Throws.TypeOf<EvidenceFormatException>());
        });
    }

    [Test]
    public void Verify_AnySingleByteChangedInBundleFile_FailsOrDoesNotParse()
    {
        // Every byte outside the genesis value, and a dense stride through the (long, base64) genesis.
        var original = EvidenceBundleJson.Write(Chain.BatchItemBundle(2));
        var genesisStart = IndexOf(original, "\"genesis\":\""u8) + "\"genesis\":\"".Length;
        var genesisEnd = Array.IndexOf(original, (byte)'"', genesisStart);
        var options = Pinned(new ContentDigest(Chain.Items[2].ContentSha256.ToByteArray(), null));
        var undetected = new List<string>();
        var positions = 0;
        for (var i = 0; i < original.Length; i += i >= genesisStart && i < genesisEnd ? 7 : 1)
        {
            positions++;
            foreach (var flip in (byte[])[0x01, 0x02])
            {
                var mutated = (byte[])original.Clone();
                mutated[i] ^= flip;
                if (!FailsVerification(mutated, options))
                {
                    undetected.Add($"byte {i} ('{(char)original[i]}') ^ {flip:x2}");
                }
            }
        }

        Assert.That(undetected, Is.Empty);
        Assert.That(positions, Is.GreaterThan(original.Length / 2));
    }

    private static bool FailsVerification(byte[] json, EvidenceVerificationOptions options)
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

        var report = EvidenceVerifier.Verify(bundle, options);
        return report.Verdict == EvidenceVerdict.Invalid && report.FirstFailure!.Detail.Length > 0;
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
