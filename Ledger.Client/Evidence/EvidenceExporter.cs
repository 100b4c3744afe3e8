using Ledger.Core.Evidence;
using Ledger.Core.Evidence.Export;
using Ledger.Core.Protocol;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Evidence;

/// <summary>
/// <c>ledger evidence export</c>'s bundle: <see cref="EvidenceAssembler"/> over a node's answers
/// (<see cref="LedgerClientEvidenceSource"/>). Answers that do not fit together are a
/// <see cref="ClientVerificationException"/>. The caller verifies the result
/// (<see cref="EvidenceVerifier"/>) before handing it to anyone.
/// </summary>
public static class EvidenceExporter
{
    /// <summary>The evidence bundle for transaction <paramref name="txHash"/> (or one item of a batch), from <paramref name="client"/>'s answers.</summary>
    /// <param name="client">The client the answers come through (its genesis configured).</param>
    /// <param name="genesis">The genesis file's bytes, carried in the bundle as its trust anchor.</param>
    /// <param name="txHash">The transaction's hash.</param>
    /// <param name="itemIndex">For a BatchRegister, the item the bundle is about; null for the whole transaction.</param>
    /// <param name="manifestItem">For a batch item, the item and its proof rebuilt from the submitter's manifest; null to rebuild them from the transaction's detached items.</param>
    /// <param name="cancellation">Cancels the export.</param>
    public static async Task<EvidenceBundle> ExportAsync(
        LedgerClient client, byte[] genesis, byte[] txHash, int? itemIndex, BatchItemEvidence? manifestItem = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await EvidenceAssembler.AssembleAsync(new LedgerClientEvidenceSource(client), genesis, txHash, itemIndex, manifestItem, cancellation).ConfigureAwait(false);
        }
        catch (EvidenceExportException exception)
        {
            throw new ClientVerificationException(exception.Message, exception);
        }
    }

    /// <summary>The signed transaction as the bundle carries it: envelope and signature (what the hash covers).</summary>
    public static SignedTransaction WithoutDetachedItems(SignedTransaction transaction) => EvidenceAssembler.WithoutDetachedItems(transaction);
}
