using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Works;

public sealed class TransferAndLicenseTests
{
    private TestChain chain = null!;
    private ByteString aliceWork = ByteString.Empty;

    [SetUp]
    public void RegisterAliceWork()
    {
        chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("photo", Sample.Member(Alice)));
        aliceWork = Sample.WorkIdOf(chain.LastTxHash);
    }

    [Test]
    public void TransferOwnership_ByHolder_MovesTheWorkBetweenOwnersAndIsInItsHistory()
    {
        var outcome = chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = aliceWork, NewHolder = Sample.Member(Bob) });

        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        Assert.That(chain.Queries.GetWorksByOwner(Sample.Member(Alice), null, 10).Items, Is.Empty);
        Assert.That(chain.Queries.GetWorksByOwner(Sample.Member(Bob), null, 10).Items, Has.Count.EqualTo(1));
        var history = chain.Queries.GetWorkHistory(aliceWork.Span, null, 10).Items;
        Assert.That(history.Select(e => e.Kind), Is.EqualTo(new[] { WorkEventKind.Registered, WorkEventKind.OwnershipTransferred }));
        Assert.That(history[0].NewHolder.MemberId, Is.EqualTo(Alice), "registration keeps the original holder");
        Assert.That(history[1].PreviousHolder.MemberId, Is.EqualTo(Alice));
        Assert.That(history[1].TxHash.ToByteArray(), Is.EqualTo(chain.LastTxHash));
        Assert.That(history[1].At.Height, Is.EqualTo(2UL));
    }

    [Test]
    public void TransferOwnership_BySomeoneOtherThanTheController_IsRejected_NotAuthorized()
    {
        var outcome = chain.Apply(Bob, TransactionType.TransferOwnership, new TransferOwnership { WorkId = aliceWork, NewHolder = Sample.Member(Bob) });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [Test]
    public void TransferOwnership_ToTheCurrentHolder_IsRejected_InvalidField()
    {
        var outcome = chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = aliceWork, NewHolder = Sample.Member(Alice) });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void TransferOwnership_OfUnknownWork_IsRejected_WorkNotFound()
    {
        var outcome = chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = Sample.WorkIdOf(new byte[32]), NewHolder = Sample.Member(Bob) });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.WorkNotFound));
    }

    [Test]
    public void TransferOwnership_ToExternalHolder_MakesTheTransferorItsSteward()
    {
        chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = aliceWork, NewHolder = Sample.External("buyer-1") });

        var onward = chain.Apply(Alice, TransactionType.TransferOwnership, new TransferOwnership { WorkId = aliceWork, NewHolder = Sample.Member(Bob) });

        Assert.That(onward.IsOk, Is.True, onward.ToString());
    }

    [Test]
    public void GrantLicense_ByController_IsRecordedAndRevocable()
    {
        var grant = chain.Apply(Alice, TransactionType.GrantLicense, License(aliceWork));
        var licenseId = ByteString.CopyFrom(chain.LastTxHash);

        var revoke = chain.Apply(Alice, TransactionType.RevokeLicense, new RevokeLicense { LicenseId = licenseId, Reason = "unpaid" });

        Assert.That(grant.IsOk, Is.True, grant.ToString());
        Assert.That(revoke.IsOk, Is.True, revoke.ToString());
        var license = chain.Queries.GetLicense(licenseId.Span)!;
        Assert.That(license.Revoked, Is.True);
        Assert.That(license.RevokedAt.Height, Is.EqualTo(3UL));
        Assert.That(chain.Queries.GetWorkHistory(aliceWork.Span, null, 10).Items.Select(e => e.Kind),
            Is.EqualTo(new[] { WorkEventKind.Registered, WorkEventKind.LicenseGranted, WorkEventKind.LicenseRevoked }));
    }

    [Test]
    public void GrantLicense_ByNonController_IsRejected_NotAuthorized()
    {
        Assert.That(chain.Apply(Platform, TransactionType.GrantLicense, License(aliceWork)).Reason, Is.EqualTo(RejectionReason.NotAuthorized));
    }

    [Test]
    public void GrantLicense_EndingBeforeItStarts_IsRejected_InvalidField()
    {
        var body = License(aliceWork);
        body.EndUnixMs = body.StartUnixMs - 1;

        Assert.That(chain.Apply(Alice, TransactionType.GrantLicense, body).Reason, Is.EqualTo(RejectionReason.InvalidField));
    }

    [Test]
    public void GrantLicense_WithoutScope_IsRejected_MissingField()
    {
        var body = License(aliceWork);
        body.Scope = "";

        Assert.That(chain.Apply(Alice, TransactionType.GrantLicense, body).Reason, Is.EqualTo(RejectionReason.MissingField));
    }

    [Test]
    public void RevokeLicense_Unknown_IsRejected_LicenseNotFound()
    {
        Assert.That(chain.Apply(Alice, TransactionType.RevokeLicense, new RevokeLicense { LicenseId = Sample.Hash("none") }).Reason, Is.EqualTo(RejectionReason.LicenseNotFound));
    }

    [Test]
    public void RevokeLicense_Twice_IsRejected_LicenseAlreadyRevoked()
    {
        chain.Apply(Alice, TransactionType.GrantLicense, License(aliceWork));
        var licenseId = ByteString.CopyFrom(chain.LastTxHash);
        chain.Apply(Alice, TransactionType.RevokeLicense, new RevokeLicense { LicenseId = licenseId });
        var firstRevocation = chain.LastTxHash;

        var again = chain.Apply(Alice, TransactionType.RevokeLicense, new RevokeLicense { LicenseId = licenseId });

        Assert.That(again.Reason, Is.EqualTo(RejectionReason.LicenseAlreadyRevoked));
        Assert.That(again.ReferenceTxHash, Is.EqualTo(firstRevocation));
    }

    private static GrantLicense License(ByteString workId) => new()
    {
        WorkId = workId,
        Licensee = Sample.External("shop-9", "Shop Nine"),
        Scope = "product photos on shop pages",
        Territory = "CN",
        StartUnixMs = GenesisTimeUnixMs,
        EndUnixMs = GenesisTimeUnixMs + 86_400_000,
    };
}
