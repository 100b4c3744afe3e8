using System.Security.Cryptography;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Evidence;
using Ledger.Core.Evidence.Export;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Web;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Node.Services;

/// <summary>
/// Evidence bundles from the node (issue #17: the explorer's download button, and a court's clerk with
/// nothing but a browser): the bundle <c>ledger evidence export</c> writes, built here from the node's
/// own state by the same code (<see cref="EvidenceAssembler"/> over <see cref="EvidenceServiceSource"/>),
/// and verified against the node's genesis before it is sent, as the CLI does before it writes the file:
/// only a VALID or REJECTED bundle leaves the node. Sent as the file itself (<see cref="HttpBody"/>) with
/// a Content-Disposition header naming it, over gRPC and as <c>GET /v1/evidence/{tx_hash_hex}</c>.
/// A singleton: it counts the exports running on the node.
/// </summary>
public sealed class EvidenceService(LedgerNode node, ILogger<EvidenceService> logger) : EvidenceApi.EvidenceApiBase
{
    /// <summary>
    /// Exports running at once on a node; more are refused (ResourceExhausted, retry later). An export
    /// reads every block up to the transaction's (the governance changes have no index yet) and holds
    /// the bundle in memory (up to <see cref="EvidenceBundleJson.DocumentBytesMax"/>), so a few suffice.
    /// </summary>
    public const int ExportsInFlightMax = 4;

    /// <summary>Hex digits of the transaction hash in the suggested file name (64 bits: unique enough for a folder of bundles).</summary>
    public const int FileNameHashHexDigits = 16;

    private readonly string genesisSha256Hex = Convert.ToHexStringLower(SHA256.HashData(node.Chain.GenesisBytes));
    private readonly EvidenceServiceSlots slots = new(ExportsInFlightMax);

    public override async Task<HttpBody> ExportEvidence(ExportEvidenceRequest request, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        var txHash = ParseTxHash(request.TxHashHex);
        var txHex = Convert.ToHexStringLower(txHash);
        var format = EvidenceServiceFormat.Parse(request.Format);
        var stored = node.Blocks.FindTransaction(txHash)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no applied transaction {txHex} (as of height {node.Blocks.LatestHeight})"));
        var itemIndex = ItemIndexFor(stored, request);
        if (node.Collector.GetCertified(stored.Height) is null)
        {
            throw NotCertifiedAnswer.Create(
                $"tx {txHex} is in block {stored.Height}, which is not certified (yet) on this node; its latest certified height is {node.Collector.CertifiedHeight}",
                node.Collector.CertifiedHeight);
        }

        byte[] bundle;
        if (!slots.TryTake())
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{ExportsInFlightMax} evidence exports are running on this node, the most it runs at once; retry shortly"));
        }

        try
        {
            bundle = await ExportVerifiedAsync(txHash, itemIndex, context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        var body = format == EvidenceServiceFormat.Html ? SelfVerifyingHtml.Build(bundle, genesisSha256Hex) : bundle;
        var itemSuffix = itemIndex is { } i ? $"-item-{i}" : "";
        context.GetHttpContext().Response.Headers.ContentDisposition = $"attachment; filename=\"evidence-{txHex[..FileNameHashHexDigits]}{itemSuffix}.{format.FileExtension}\"";
        return new HttpBody { ContentType = format.ContentType, Data = ByteString.CopyFrom(body) };
    }

    /// <summary>The bundle's bytes, once it verifies VALID or REJECTED against this node's genesis.</summary>
    private async Task<byte[]> ExportVerifiedAsync(byte[] txHash, int? itemIndex, CancellationToken cancellation)
    {
        var txHex = Convert.ToHexStringLower(txHash);
        EvidenceBundle bundle;
        try
        {
            bundle = await EvidenceAssembler.AssembleAsync(new EvidenceServiceSource(node), node.Chain.GenesisBytes, txHash, itemIndex, manifestItem: null, cancellation).ConfigureAwait(false);
        }
        catch (EvidenceExportException exception)
        {
            EvidenceServiceLog.BundleDoesNotAssemble(logger, txHex, exception.Message);
            throw new RpcException(new Status(StatusCode.Internal, $"this node's data does not make an evidence bundle for tx {txHex}: {exception.Message}"));
        }

        var bytes = EvidenceBundleJson.Write(bundle);
        if (bytes.Length > EvidenceBundleJson.DocumentBytesMax)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the bundle of tx {txHex} would be {bytes.Length} bytes, more than the {EvidenceBundleJson.DocumentBytesMax} a bundle may have"));
        }

        EvidenceReport report;
        try
        {
            report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(bytes), new EvidenceVerificationOptions { TrustedGenesisSha256 = Convert.FromHexString(genesisSha256Hex) });
        }
        catch (EvidenceFormatException exception)
        {
            EvidenceServiceLog.BundleDoesNotVerify(logger, txHex, "malformed", exception.Message);
            throw new RpcException(new Status(StatusCode.Internal, $"this node wrote a malformed bundle for tx {txHex}: {exception.Message}"));
        }

        if (report.Verdict is not (EvidenceVerdict.Valid or EvidenceVerdict.Rejected))
        {
            EvidenceServiceLog.BundleDoesNotVerify(logger, txHex, report.Verdict.ToString(), report.Conclusion);
            throw new RpcException(new Status(StatusCode.Internal, $"this node's data does not make a valid bundle for tx {txHex}: {report.Conclusion}"));
        }

        return bytes;
    }

    /// <summary>The hash the caller names: hex of the chain's hash size, or InvalidArgument.</summary>
    private byte[] ParseTxHash(string hex)
    {
        var digits = 2 * node.Chain.Hash.HashSizeBytes;
        if (hex.Length != digits || !hex.All(char.IsAsciiHexDigit))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"tx_hash_hex must be {digits} hex digits (the transaction's hash), was {(hex.Length <= digits + 8 ? $"\"{hex}\"" : $"{hex.Length} characters")}"));
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>
    /// The item the bundle is for: none for a transaction that is not a batch, one of its items for a
    /// batch (a bundle of a whole batch proves nothing about any work, the verifier refuses it);
    /// InvalidArgument otherwise.
    /// </summary>
    private static int? ItemIndexFor(StoredTransaction stored, ExportEvidenceRequest request)
    {
        var txHex = Convert.ToHexStringLower(stored.TransactionHash);
        var isBatch = EnvelopeFields.TryRead(stored.Transaction.Envelope.Span, out var type, out _) && type == TransactionType.BatchRegister;
        if (!request.HasItemIndex)
        {
            return isBatch
                ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"tx {txHex} is a BatchRegister: name the item (item_index) the bundle is evidence for"))
                : null;
        }

        if (!isBatch)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"item_index is for a batch; tx {txHex} is a {type}, not a BatchRegister"));
        }

        int count;
        try
        {
            count = BatchItems.Parser.ParseFrom(stored.Transaction.DetachedItems).Items.Count;
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"batch tx {txHex} carries no readable items, so no item's evidence can be exported"));
        }

        if (request.ItemIndex >= count)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"item_index {request.ItemIndex} is beyond batch tx {txHex}, which has {count} items (0..{count - 1})"));
        }

        return (int)request.ItemIndex;
    }
}
