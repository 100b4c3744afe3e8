using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Node.Attestation;

namespace Ledger.Node.Tests.Attestation;

/// <summary>The bounds of certification catch-up, checked on both sides of GetAttestations before any attestation is verified.</summary>
public sealed class AttestationCatchUpBoundaryTests
{
    private const int HashBytes = 32;

    private static GetAttestationsRequest Request(ulong from = 10, uint count = 4) => new() { FromNodeId = "node-1", FromHeight = from, HeightCount = count };

    private static Core.Protocol.Attestation Attestation(ulong height, string nodeId = "node-2") => new()
    {
        NodeId = nodeId,
        KeyId = ByteString.CopyFrom(new byte[32]),
        Suite = "p256-sha256",
        BlockHash = ByteString.CopyFrom(new byte[HashBytes]),
        Height = height,
        Signature = ByteString.CopyFrom(new byte[64]),
    };

    [Test]
    public void Validate_TheBoundsAsStated_Hold() => Assert.DoesNotThrow(AttestationCatchUpBounds.Validate);

    [TestCase(0UL, 1U, TestName = "RequestRefusal_FromHeightZero_Refused")]
    [TestCase(1UL, 0U, TestName = "RequestRefusal_NoHeights_Refused")]
    [TestCase(1UL, (uint)AttestationCatchUpBounds.HeightsPerRequestMax + 1, TestName = "RequestRefusal_MoreHeightsThanTheBound_Refused")]
    [TestCase(ulong.MaxValue, 2U, TestName = "RequestRefusal_RangeOverflows_Refused")]
    public void RequestRefusal_OutsideTheBounds_Refused(ulong from, uint count) =>
        Assert.That(AttestationCatchUpBoundary.RequestRefusal(Request(from, count)), Is.Not.Null);

    [Test]
    public void RequestRefusal_ExactlyTheHeightBound_Accepted() =>
        Assert.That(AttestationCatchUpBoundary.RequestRefusal(Request(1, AttestationCatchUpBounds.HeightsPerRequestMax)), Is.Null);

    [Test]
    public void CheckAnswer_WholeHeightsInRange_Accepted()
    {
        var answer = new GetAttestationsResponse { NextHeight = 14, Attestations = { Attestation(10), Attestation(10, "node-3"), Attestation(13) } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.None));
    }

    [Test]
    public void CheckAnswer_MoreAttestationsThanTheBound_Refused()
    {
        var answer = new GetAttestationsResponse { NextHeight = 14 };
        for (var i = 0; i <= AttestationCatchUpBounds.AttestationsPerResponseMax; i++)
        {
            answer.Attestations.Add(Attestation(10, $"n{i}"));
        }

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.TooManyAttestations));
    }

    [Test]
    public void CheckAnswer_OneAttestationLargerThanItsBound_Refused()
    {
        var large = Attestation(10);
        large.Signature = ByteString.CopyFrom(new byte[AttestationCatchUpBounds.AttestationBytesMax]);

        var answer = new GetAttestationsResponse { NextHeight = 14, Attestations = { large } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.TooManyBytes));
    }

    [TestCase(9UL, TestName = "CheckAnswer_NextHeightBeforeTheRange_Refused")]
    [TestCase(15UL, TestName = "CheckAnswer_NextHeightBeyondTheRange_Refused")]
    public void CheckAnswer_NextHeightOutsideTheRange_Refused(ulong next) =>
        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), new GetAttestationsResponse { NextHeight = next }, HashBytes), Is.EqualTo(AttestationAnswerRefusal.NextHeightOutOfRange));

    [TestCase(9UL, 14UL, TestName = "CheckAnswer_AttestationBelowTheRange_Refused")]
    [TestCase(14UL, 14UL, TestName = "CheckAnswer_AttestationAboveTheRange_Refused")]
    [TestCase(12UL, 12UL, TestName = "CheckAnswer_AttestationAtOrBeyondNextHeight_Refused")]
    public void CheckAnswer_AttestationOutsideWhatTheAnswerCovers_Refused(ulong height, ulong next)
    {
        var answer = new GetAttestationsResponse { NextHeight = next, Attestations = { Attestation(height) } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.HeightOutsideRange));
    }

    [Test]
    public void CheckAnswer_SameNodeTwiceForOneHeight_Refused()
    {
        var answer = new GetAttestationsResponse { NextHeight = 14, Attestations = { Attestation(11), Attestation(11) } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.NotOrdered));
    }

    [Test]
    public void CheckAnswer_HeightsDescending_Refused()
    {
        var answer = new GetAttestationsResponse { NextHeight = 14, Attestations = { Attestation(12), Attestation(11) } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.NotOrdered));
    }

    [TestCase("node_id", TestName = "CheckAnswer_EmptyNodeId_Refused")]
    [TestCase("long_node_id", TestName = "CheckAnswer_NodeIdBeyondItsBound_Refused")]
    [TestCase("key_id", TestName = "CheckAnswer_EmptyKeyId_Refused")]
    [TestCase("suite", TestName = "CheckAnswer_EmptySuite_Refused")]
    [TestCase("block_hash", TestName = "CheckAnswer_BlockHashNotTheChainsHashSize_Refused")]
    [TestCase("signature", TestName = "CheckAnswer_EmptySignature_Refused")]
    public void CheckAnswer_FieldOutOfBounds_Refused(string field)
    {
        var attestation = Attestation(11);
        switch (field)
        {
            case "node_id": attestation.NodeId = ""; break;
            case "long_node_id": attestation.NodeId = new string('n', 65); break;
            case "key_id": attestation.KeyId = ByteString.Empty; break;
            case "suite": attestation.Suite = ""; break;
            case "block_hash": attestation.BlockHash = ByteString.CopyFrom(new byte[HashBytes - 1]); break;
            case "signature": attestation.Signature = ByteString.Empty; break;
        }

        var answer = new GetAttestationsResponse { NextHeight = 14, Attestations = { attestation } };

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(Request(), answer, HashBytes), Is.EqualTo(AttestationAnswerRefusal.FieldOutOfBounds));
    }

    [TestCase(0, 1_000)]
    [TestCase(1, 2_000)]
    [TestCase(3, 8_000)]
    [TestCase(100, AttestationCatchUpBounds.BackoffMaxMilliseconds)]
    public void Pause_AfterFruitlessRounds_DoublesUpToTheBackoffBound(int fruitlessRounds, int expectedMilliseconds) =>
        Assert.That(AttestationCatchUp.Pause(fruitlessRounds), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
}
