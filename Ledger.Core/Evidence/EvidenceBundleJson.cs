using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// The evidence bundle's JSON form (docs/evidence-bundle.md): compact UTF-8 JSON, members in a
/// fixed order, binary values as lower-case hex (hashes, ids) or canonical base64 (transaction,
/// signatures, genesis). The reader accepts exactly what the writer produces (modulo member
/// order), so a bundle file has no insignificant bytes.
/// </summary>
public static class EvidenceBundleJson
{
    public const int DocumentBytesMax = 16 * 1024 * 1024;
    public const int ProofHashesMax = 64;
    public const int AttestationsMax = 64;
    public const int GovernanceChangesMax = 4096;

    public static byte[] Write(EvidenceBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", EvidenceBundle.FormatName);
            writer.WriteNumber("formatVersion", EvidenceBundle.CurrentFormatVersion);
            writer.WriteBase64String("transaction", bundle.Transaction.ToByteArray());
            writer.WriteString("txHash", Convert.ToHexStringLower(bundle.TransactionHash));
            writer.WritePropertyName("result");
            WriteResult(writer, bundle.Result);
            writer.WriteNumber("blockHeight", bundle.BlockHeight);
            writer.WriteNumber("position", bundle.Position);
            writer.WritePropertyName("logInclusion");
            WriteProof(writer, bundle.LogInclusion);
            writer.WritePropertyName("certifiedHeader");
            WriteCertifiedHeader(writer, bundle.CertifiedHeader);
            writer.WriteBase64String("genesis", bundle.Genesis);
            writer.WriteStartArray("governanceChanges");
            foreach (var change in bundle.GovernanceChanges)
            {
                writer.WriteStartObject();
                writer.WriteBase64String("transaction", change.Transaction.ToByteArray());
                writer.WritePropertyName("result");
                WriteResult(writer, change.Result);
                writer.WriteNumber("blockHeight", change.BlockHeight);
                writer.WriteNumber("position", change.Position);
                writer.WritePropertyName("logInclusion");
                WriteProof(writer, change.LogInclusion);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (bundle.BatchItem is null)
            {
                writer.WriteNull("batchItem");
            }
            else
            {
                writer.WriteStartObject("batchItem");
                writer.WriteString("contentSha256", Convert.ToHexStringLower(bundle.BatchItem.Item.ContentSha256.Span));
                writer.WriteString("itemId", bundle.BatchItem.Item.ItemId);
                writer.WriteString("perceptualHash", bundle.BatchItem.Item.HasPerceptualHash ? bundle.BatchItem.Item.PerceptualHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : "");
                writer.WritePropertyName("itemProof");
                WriteProof(writer, bundle.BatchItem.ItemProof);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static EvidenceBundle Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > DocumentBytesMax)
        {
            throw new EvidenceFormatException($"bundle is {utf8Json.Length} bytes, more than {DocumentBytesMax}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            throw new EvidenceFormatException($"not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})", exception);
        }

        using (document)
        {
            var root = JsonFields.Of(document.RootElement, "bundle",
                "format", "formatVersion", "transaction", "txHash", "result", "blockHeight", "position",
                "logInclusion", "certifiedHeader", "genesis", "governanceChanges", "batchItem");
            if (root.String("format") != EvidenceBundle.FormatName)
            {
                throw new EvidenceFormatException($"bundle.format is not '{EvidenceBundle.FormatName}'");
            }

            var version = root.UInt64("formatVersion");
            if (version != EvidenceBundle.CurrentFormatVersion)
            {
                throw new EvidenceFormatException($"format version {version} is not supported (this verifier reads version {EvidenceBundle.CurrentFormatVersion})");
            }

            var governance = new List<GovernanceChangeEvidence>();
            var governanceArray = root.Array("governanceChanges");
            if (governanceArray.GetArrayLength() > GovernanceChangesMax)
            {
                throw new EvidenceFormatException($"more than {GovernanceChangesMax} governance changes");
            }

            var index = 0;
            foreach (var element in governanceArray.EnumerateArray())
            {
                var path = $"bundle.governanceChanges[{index++}]";
                var change = JsonFields.Of(element, path, "transaction", "result", "blockHeight", "position", "logInclusion");
                governance.Add(new GovernanceChangeEvidence
                {
                    Transaction = ParseTransaction(change.Base64("transaction"), change.Path("transaction")),
                    Result = ReadResult(change.Element("result"), change.Path("result")),
                    BlockHeight = change.UInt64("blockHeight"),
                    Position = change.UInt32("position"),
                    LogInclusion = ReadProof(change.Element("logInclusion"), change.Path("logInclusion")),
                });
            }

            return new EvidenceBundle
            {
                Transaction = ParseTransaction(root.Base64("transaction"), "bundle.transaction"),
                TransactionHash = root.Hex("txHash"),
                Result = ReadResult(root.Element("result"), "bundle.result"),
                BlockHeight = root.UInt64("blockHeight"),
                Position = root.UInt32("position"),
                LogInclusion = ReadProof(root.Element("logInclusion"), "bundle.logInclusion"),
                CertifiedHeader = ReadCertifiedHeader(root.Element("certifiedHeader"), "bundle.certifiedHeader"),
                Genesis = root.Base64("genesis"),
                GovernanceChanges = governance,
                BatchItem = ReadBatchItem(root.Element("batchItem"), "bundle.batchItem"),
            };
        }
    }

    private static SignedTransaction ParseTransaction(byte[] bytes, string path)
    {
        SignedTransaction transaction;
        try
        {
            transaction = SignedTransaction.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new EvidenceFormatException($"{path} is not a SignedTransaction", exception);
        }

        // Re-encoding must give the same bytes: unknown fields or non-canonical varints would let
        // two byte strings stand for one transaction.
        if (!transaction.ToByteArray().AsSpan().SequenceEqual(bytes))
        {
            throw new EvidenceFormatException($"{path} is not the canonical encoding of a SignedTransaction");
        }

        return transaction;
    }

    private static void WriteResult(Utf8JsonWriter writer, TransactionResult result)
    {
        writer.WriteStartObject();
        writer.WriteNumber("code", (int)result.Code);
        writer.WriteString("reason", result.Reason);
        writer.WriteString("referenceTxHash", Convert.ToHexStringLower(result.ReferenceTxHash.Span));
        writer.WriteEndObject();
    }

    private static TransactionResult ReadResult(JsonElement element, string path)
    {
        var fields = JsonFields.Of(element, path, "code", "reason", "referenceTxHash");
        var code = fields.UInt32("code");
        if (code > byte.MaxValue)
        {
            throw new EvidenceFormatException($"{path}.code {code} is out of range");
        }

        return new TransactionResult
        {
            Code = (ResultCode)code,
            Reason = fields.String("reason"),
            ReferenceTxHash = ByteString.CopyFrom(fields.Hex("referenceTxHash")),
        };
    }

    private static void WriteProof(Utf8JsonWriter writer, InclusionProof proof)
    {
        writer.WriteStartObject();
        writer.WriteNumber("leafIndex", proof.LeafIndex);
        writer.WriteNumber("treeSize", proof.TreeSize);
        writer.WriteStartArray("path");
        foreach (var hash in proof.Path)
        {
            writer.WriteStringValue(Convert.ToHexStringLower(hash.Span));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static InclusionProof ReadProof(JsonElement element, string path)
    {
        var fields = JsonFields.Of(element, path, "leafIndex", "treeSize", "path");
        var proof = new InclusionProof { LeafIndex = fields.UInt64("leafIndex"), TreeSize = fields.UInt64("treeSize") };
        var hashes = fields.Array("path");
        if (hashes.GetArrayLength() > ProofHashesMax)
        {
            throw new EvidenceFormatException($"{path}.path has more than {ProofHashesMax} hashes");
        }

        var i = 0;
        foreach (var hash in hashes.EnumerateArray())
        {
            if (hash.ValueKind != JsonValueKind.String)
            {
                throw new EvidenceFormatException($"{path}.path[{i}] must be a string");
            }

            proof.Path.Add(ByteString.CopyFrom(JsonFields.ParseHex(hash.GetString()!, $"{path}.path[{i}]")));
            i++;
        }

        return proof;
    }

    private static void WriteCertifiedHeader(Utf8JsonWriter writer, CertifiedHeader certified)
    {
        var header = certified.Header;
        writer.WriteStartObject();
        writer.WriteStartObject("header");
        writer.WriteString("chainId", header.ChainId);
        writer.WriteNumber("height", header.Height);
        writer.WriteString("prevBlockHash", Convert.ToHexStringLower(header.PrevBlockHash.Span));
        writer.WriteString("txRoot", Convert.ToHexStringLower(header.TxRoot.Span));
        writer.WriteNumber("logSize", header.LogSize);
        writer.WriteString("logRoot", Convert.ToHexStringLower(header.LogRoot.Span));
        writer.WriteString("stateRoot", Convert.ToHexStringLower(header.StateRoot.Span));
        writer.WriteNumber("timestampUnixMs", header.TimestampUnixMs);
        writer.WriteString("proposerNodeId", header.ProposerNodeId);
        writer.WriteNumber("raftTerm", header.RaftTerm);
        writer.WriteNumber("raftIndex", header.RaftIndex);
        writer.WriteNumber("txCount", header.TxCount);
        writer.WriteEndObject();
        writer.WriteStartArray("attestations");
        foreach (var attestation in certified.Attestations)
        {
            writer.WriteStartObject();
            writer.WriteString("nodeId", attestation.NodeId);
            writer.WriteString("keyId", Convert.ToHexStringLower(attestation.KeyId.Span));
            writer.WriteString("suite", attestation.Suite);
            writer.WriteString("blockHash", Convert.ToHexStringLower(attestation.BlockHash.Span));
            writer.WriteNumber("height", attestation.Height);
            writer.WriteBase64String("signature", attestation.Signature.Span);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static CertifiedHeader ReadCertifiedHeader(JsonElement element, string path)
    {
        var certified = JsonFields.Of(element, path, "header", "attestations");
        var h = JsonFields.Of(certified.Element("header"), $"{path}.header",
            "chainId", "height", "prevBlockHash", "txRoot", "logSize", "logRoot", "stateRoot",
            "timestampUnixMs", "proposerNodeId", "raftTerm", "raftIndex", "txCount");
        var result = new CertifiedHeader
        {
            Header = new BlockHeader
            {
                ChainId = h.String("chainId"),
                Height = h.UInt64("height"),
                PrevBlockHash = ByteString.CopyFrom(h.Hex("prevBlockHash")),
                TxRoot = ByteString.CopyFrom(h.Hex("txRoot")),
                LogSize = h.UInt64("logSize"),
                LogRoot = ByteString.CopyFrom(h.Hex("logRoot")),
                StateRoot = ByteString.CopyFrom(h.Hex("stateRoot")),
                TimestampUnixMs = h.Int64("timestampUnixMs"),
                ProposerNodeId = h.String("proposerNodeId"),
                RaftTerm = h.UInt64("raftTerm"),
                RaftIndex = h.UInt64("raftIndex"),
                TxCount = h.UInt32("txCount"),
            },
        };
        var attestations = certified.Array("attestations");
        if (attestations.GetArrayLength() > AttestationsMax)
        {
            throw new EvidenceFormatException($"{path}.attestations has more than {AttestationsMax} entries");
        }

        var i = 0;
        foreach (var item in attestations.EnumerateArray())
        {
            var a = JsonFields.Of(item, $"{path}.attestations[{i++}]", "nodeId", "keyId", "suite", "blockHash", "height", "signature");
            result.Attestations.Add(new Attestation
            {
                NodeId = a.String("nodeId"),
                KeyId = ByteString.CopyFrom(a.Hex("keyId")),
                Suite = a.String("suite"),
                BlockHash = ByteString.CopyFrom(a.Hex("blockHash")),
                Height = a.UInt64("height"),
                Signature = ByteString.CopyFrom(a.Base64("signature")),
            });
        }

        return result;
    }

    private static BatchItemEvidence? ReadBatchItem(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var fields = JsonFields.Of(element, path, "contentSha256", "itemId", "perceptualHash", "itemProof");
        var item = new BatchItem { ContentSha256 = ByteString.CopyFrom(fields.Hex("contentSha256")), ItemId = fields.String("itemId") };
        var perceptual = fields.Hex("perceptualHash");
        if (perceptual.Length == 8)
        {
            item.PerceptualHash = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(perceptual);
        }
        else if (perceptual.Length != 0)
        {
            throw new EvidenceFormatException($"{path}.perceptualHash must be 16 hex digits or empty");
        }

        return new BatchItemEvidence { Item = item, ItemProof = ReadProof(fields.Element("itemProof"), $"{path}.itemProof") };
    }
}
