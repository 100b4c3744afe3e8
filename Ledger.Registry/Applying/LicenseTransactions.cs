using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>GrantLicense, RevokeLicense. License id = granting transaction hash.</summary>
internal static class LicenseTransactions
{
    public static TransactionOutcome Grant(TransactionContext context, GrantLicense body)
    {
        var work = Works.Require(context, body.WorkId, "work_id");
        Works.RequireController(context, work, "license it");
        Holders.Validate(context, body.Licensee, "licensee");
        var licenseId = ByteString.CopyFrom(context.TxHash);
        var license = new LicenseRecord
        {
            LicenseId = licenseId,
            WorkId = body.WorkId,
            Licensee = body.Licensee.Clone(),
            Scope = body.Scope,
            Territory = body.Territory,
            StartUnixMs = body.StartUnixMs,
            EndUnixMs = body.EndUnixMs,
            GrantedAt = context.Here,
        };
        context.State.Put(StateKeys.License(context.TxHash), license);
        Works.AddEvent(context, body.WorkId, WorkEventKind.LicenseGranted, licenseId);
        return TransactionOutcome.Ok($"license {Convert.ToHexString(context.TxHash)} granted to {Holders.Describe(body.Licensee)}");
    }

    public static TransactionOutcome Revoke(TransactionContext context, RevokeLicense body)
    {
        var license = context.State.Get(StateKeys.License(body.LicenseId.Span), LicenseRecord.Parser)
            ?? throw Check.Fail(RejectionReason.LicenseNotFound, $"license {Convert.ToHexString(body.LicenseId.Span)} does not exist");
        if (license.Revoked)
        {
            throw Check.Fail(RejectionReason.LicenseAlreadyRevoked, $"license was revoked at height {license.RevokedAt.Height}", license.RevokedTxHash.ToByteArray());
        }

        var work = Works.Find(context.State, license.WorkId.Span)
            ?? throw new RegistryInvariantException($"license {Convert.ToHexString(body.LicenseId.Span)} refers to a missing work");
        Works.RequireController(context, work, "revoke its licenses");
        license.Revoked = true;
        license.RevokedAt = context.Here;
        license.RevokedTxHash = ByteString.CopyFrom(context.TxHash);
        license.RevocationReason = body.Reason;
        context.State.Put(StateKeys.License(body.LicenseId.Span), license);
        Works.AddEvent(context, license.WorkId, WorkEventKind.LicenseRevoked, body.LicenseId);
        return TransactionOutcome.Ok("license revoked");
    }
}
