using Grpc.Core;
using Ledger.Client;
using Ledger.Client.Verification;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary><see cref="IBatchLedger"/> over a <see cref="LedgerClient"/> (receipts checked as the client checks them).</summary>
public sealed class ClientBatchLedger : IBatchLedger
{
    /// <summary>A resubmitted transaction the door calls a replay may still be on its way to being applied: look for it this often.</summary>
    public const int ReplayLookupsMax = 50;

    private static readonly TimeSpan ReplayLookupDelay = TimeSpan.FromMilliseconds(200);

    private readonly LedgerClient client;

    public ClientBatchLedger(LedgerClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    public async Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation)
    {
        try
        {
            // Linearizable: "not found" then means not applied anywhere a quorum knows of.
            await client.GetTransactionAsync(txHash, includeReceipt: false, ReadConsistency.Linearizable, cancellation).ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }

        return Commit(await client.GetReceiptAsync(txHash, cancellation).ConfigureAwait(false));
    }

    public async Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation)
    {
        try
        {
            return Commit(await client.SubmitAsync(transaction, cancellation).ConfigureAwait(false));
        }
        catch (Exception exception) when (IsSettledByLookup(exception))
        {
            // AlreadyExists: the same bytes were submitted before (a resumed run's resubmission) and are not applied yet.
            // Otherwise it is committed, but the receipt's check read from a node behind the client's trusted log
            // (receipts of batches in flight arrive out of order, and the certification wait moves between nodes).
            // Either way the hash is looked up again, and that receipt is checked in full: nothing is taken unverified.
            var hash = Ledger.Core.Signing.TransactionHashing.ComputeHash(client.ChainHash, transaction);
            for (var lookup = 0; lookup < ReplayLookupsMax; lookup++)
            {
                await Task.Delay(ReplayLookupDelay, cancellation).ConfigureAwait(false);
                try
                {
                    if (await FindAsync(hash, cancellation).ConfigureAwait(false) is { } found)
                    {
                        return found;
                    }
                }
                catch (Exception again) when (IsSettledByLookup(again))
                {
                    // Still behind; ask again.
                }
            }

            throw;
        }
    }

    /// <summary>A failure that a later lookup of the same hash settles; a fork never is.</summary>
    private static bool IsSettledByLookup(Exception exception) => exception switch
    {
        ForkDetectedException => false,
        ClientVerificationException => true,
        RpcException rpc => rpc.StatusCode is StatusCode.AlreadyExists or StatusCode.OutOfRange,
        _ => false,
    };

    private static BatchCommit Commit(CheckedReceipt receipt) =>
        new(receipt.BlockHeight, receipt.Result?.Code ?? ResultCode.Unspecified, receipt.Result?.Reason ?? "", receipt.IsVerified);
}
