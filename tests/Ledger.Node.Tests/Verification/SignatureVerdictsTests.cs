using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Node.Verification;
using Ledger.Registry.Batches;
using Ledger.Registry.Signatures;

namespace Ledger.Node.Tests.Verification;

public sealed class SignatureVerdictsTests
{
    [Test]
    public void RecordDoorVerdict_BeyondTheBound_EmptiesTheMapInsteadOfGrowing()
    {
        var verdicts = new SignatureVerdicts();
        var verdict = new SignatureVerdict("c", new byte[] { 1 }, isValid: true);

        for (var i = 0; i <= SignatureVerdicts.DoorVerdictsMax; i++)
        {
            verdicts.RecordDoorVerdict(BitConverter.GetBytes(i), verdict);
        }

        Assert.That(verdicts.DoorVerdictCount, Is.EqualTo(1));
    }

    [Test]
    public void TakeDoorVerdict_GivesItOnce()
    {
        var verdicts = new SignatureVerdicts();
        var hash = new byte[32];
        verdicts.RecordDoorVerdict(hash, new SignatureVerdict("c", new byte[] { 1 }, isValid: true));

        var first = verdicts.TakeDoorVerdict((byte[])hash.Clone());
        var second = verdicts.TakeDoorVerdict(hash);

        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Null);
    }

    [Test]
    public void TakeDoorBatchCheck_GivesItOnce()
    {
        var verdicts = new SignatureVerdicts();
        var hash = new byte[32];
        var check = new CheckedBatchItems(ByteString.CopyFrom(1, 2), new BatchItems(), new byte[32]);
        verdicts.RecordDoorBatchCheck(hash, check);

        var first = verdicts.TakeDoorBatchCheck((byte[])hash.Clone());
        var second = verdicts.TakeDoorBatchCheck(hash);

        Assert.That(first, Is.SameAs(check));
        Assert.That(second, Is.Null);
    }

    [Test]
    public void RecordDoorBatchCheck_BeyondTheBound_EmptiesTheMapInsteadOfGrowing()
    {
        var verdicts = new SignatureVerdicts();
        var check = new CheckedBatchItems(ByteString.CopyFrom(1, 2), new BatchItems(), new byte[32]);

        for (var i = 0; i <= SignatureVerdicts.DoorBatchChecksMax; i++)
        {
            verdicts.RecordDoorBatchCheck(BitConverter.GetBytes(i), check);
        }

        Assert.That(verdicts.DoorBatchCheckCount, Is.EqualTo(1));
    }
}
