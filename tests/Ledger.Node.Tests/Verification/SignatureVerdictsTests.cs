using Ledger.Node.Verification;
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
}
