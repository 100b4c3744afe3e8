using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>One answer of <see cref="LedgerClient.SubmitManyAsync"/>: a checked receipt, or the error of that one submission.</summary>
public sealed record SubmitOutcome(ulong CorrelationId, CheckedReceipt? Receipt, int ErrorCode, string ErrorMessage)
{
    internal static SubmitOutcome Failed(SubmitResponse response) =>
        new(response.CorrelationId, null, response.ErrorCode, response.ErrorMessage);
}
