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
        catch (RpcException exception) when (exception.StatusCode is StatusCode.AlreadyExists or StatusCode.OutOfRange)
        {
            // AlreadyExists: the same bytes were submitted before (a resumed run's resubmission) and are not applied yet.
            // OutOfRange: committed, but checking the receipt asked a node that is behind the client's trusted log for a
            // consistency proof (receipts of batches in flight arrive out of order). Either way: look the hash up.
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
                catch (RpcException again) when (again.StatusCode == StatusCode.OutOfRange)
                {
                    // The node is still behind; ask again.
                }
            }

            throw;
        }
    }

    private static BatchCommit Commit(CheckedReceipt receipt) =>
        new(receipt.BlockHeight, receipt.Result?.Code ?? ResultCode.Unspecified, receipt.Result?.Reason ?? "", receipt.IsVerified);
}
