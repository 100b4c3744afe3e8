using Grpc.Core;
using Ledger.Client.Verification;
using Ledger.Core.Protocol;

namespace Ledger.Client;

/// <summary>How a receipt goes from "the serving node says so" to <see cref="ReceiptStatus.Verified"/>.</summary>
public sealed partial class LedgerClient
{
    private async Task<CheckedReceipt> CheckReceiptAsync(Receipt receipt, byte[] txHash, CancellationToken cancellation)
    {
        if (!options.VerifyResponses)
        {
            return new CheckedReceipt(receipt, ReceiptStatus.Unverified, null, "verification is turned off: the node's word only");
        }

        ReceiptVerifier.Verify(receipt, txHash, ChainHash, options.Genesis?.ChainId);
        if (certifier is null)
        {
            return new CheckedReceipt(receipt, ReceiptStatus.Unverified, null, "no trusted genesis configured: the inclusion proof checks only against the serving node's own header");
        }

        return await certifier.CertifyAsync(receipt, cancellation).ConfigureAwait(false);
    }

    /// <summary>The ledger as the certifier reads it, through this client's failover and retries.</summary>
    private sealed class ChainSource(LedgerClient client) : IChainSource
    {
        public IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation) =>
            client.GetBlocksAsync(fromHeight, toHeight, cancellation);

        public async Task<CertifiedHeader?> TryGetCertifiedHeaderAsync(ulong height, CancellationToken cancellation)
        {
            var request = new GetCertifiedHeaderRequest { Height = height };
            try
            {
                return await client.InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
            }
            catch (RpcException exception) when (NotCertifiedAnswer.Is(exception) || exception.StatusCode is StatusCode.NotFound)
            {
                // A node's "not certified (yet)" (NotCertifiedAnswer: after every endpoint given was asked; NotFound
                // from nodes older than that answer). Either way: ask again later.
                return null;
            }
        }

        public Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation) =>
            client.GetConsistencyProofAsync(firstSize, secondSize, cancellation);
    }
}
