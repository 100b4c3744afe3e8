using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence;

/// <summary>
/// The evidence bundle's JSON form (docs/evidence-bundle.md, docs/evidence-bundle.schema.json):
/// compact UTF-8 JSON, members in a fixed order, binary values as lower-case hex (hashes, ids) or
/// canonical base64 (transaction, signatures, genesis). The reader accepts exactly what the writer
/// produces (modulo member order), so a bundle file has no insignificant bytes. It reads format 2
/// and format 1 (which has no item outcomes and no prior registration); it writes format 2.
/// </summary>
public static class EvidenceBundleJson
{
    public const int DocumentBytesMax = 16 * 1024 * 1024;
    public const int ProofHashesMax = 64;
    public const int AttestationsMax = 64;
    public const int GovernanceChangesMax = 4096;

    /// <summary>The members of each object, in writing order, per format version (the schema lists the same).</summary>
    public static class Members
    {
        public static readonly string[] BundleV1 =
            ["format", "formatVersion", "transaction", "txHash", "result", "blockHeight", "position", "logInclusion", "certifiedHeader", "genesis", "governanceChanges", "batchItem"];

        public static readonly string[] Bundle = [.. BundleV1, "priorRegistration", "checkpoint", "nodeSetAnchors"];

        public static readonly string[] NodeSetAnchor = ["certifiedHeader", "consistencyPath"];

        public static readonly string[] Checkpoint = ["signedNote", "consistencyPath"];

        public static readonly string[] ResultV1 = ["code", "reason", "referenceTxHash"];

        public static readonly string[] Result = [.. ResultV1, "itemOutcomesRoot"];

        public static readonly string[] GovernanceChange = ["transaction", "result", "blockHeight", "position", "logInclusion"];

        public static readonly string[] BatchItemV1 = ["contentSha256", "itemId", "perceptualHash", "itemProof"];

        public static readonly string[] BatchItem = [.. BatchItemV1, "outcome", "outcomeProof"];

        public static readonly string[] ItemOutcome = ["itemIndex", "code", "reason", "referenceWorkId", "referenceTxHash"];

        public static readonly string[] PriorRegistration = ["transaction", "txHash", "result", "blockHeight", "position", "logInclusion", "certifiedHeader", "batchItem"];

        public static readonly string[] Proof = ["leafIndex", "treeSize", "path"];

        public static readonly string[] CertifiedHeader = ["header", "attestations"];

        public static readonly string[] Header =
            ["chainId", "height", "prevBlockHash", "txRoot", "logSize", "logRoot", "stateRoot", "timestampUnixMs", "proposerNodeId", "raftTerm", "raftIndex", "txCount"];

        public static readonly string[] Attestation = ["nodeId", "keyId", "suite", "blockHash", "height", "signature"];
    }

    public static byte[] Write(EvidenceBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", EvidenceBundle.FormatName);
            writer.WriteNumber("formatVersion", EvidenceBundle.CurrentFormatVersion);
            WriteTransaction(writer, bundle.Transaction);
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
                WriteTransaction(writer, change.Transaction);
                writer.WritePropertyName("result");
                WriteResult(writer, change.Result);
                writer.WriteNumber("blockHeight", change.BlockHeight);
                writer.WriteNumber("position", change.Position);
                writer.WritePropertyName("logInclusion");
                WriteProof(writer, change.LogInclusion);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("batchItem");
            WriteBatchItem(writer, bundle.BatchItem);
            writer.WritePropertyName("priorRegistration");
            WritePrior(writer, bundle.PriorRegistration);
            writer.WritePropertyName("checkpoint");
            WriteCheckpoint(writer, bundle.Checkpoint);
            WriteNodeSetAnchors(writer, bundle.NodeSetAnchors);
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
            try
            {
                return ParseDocument(document);
            }
            catch (InvalidOperationException exception)
            {
                // JsonDocument checks a string's UTF-8 (and \u escapes for lone surrogates) only when it is read.
                throw new EvidenceFormatException("a string or member name is not valid UTF-8 or holds an unpaired surrogate", exception);
            }
        }
    }

    private static EvidenceBundle ParseDocument(JsonDocument document)
    {
        var version = ReadVersion(document.RootElement);
        var v2 = version == EvidenceBundle.CurrentFormatVersion;
        var root = JsonFields.Of(document.RootElement, "bundle", v2 ? Members.Bundle : Members.BundleV1);
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
            var change = JsonFields.Of(element, path, Members.GovernanceChange);
            governance.Add(new GovernanceChangeEvidence
            {
                Transaction = ParseTransaction(change.Base64("transaction"), change.Path("transaction")),
                Result = ReadResult(change.Element("result"), change.Path("result"), v2),
                BlockHeight = change.UInt64("blockHeight"),
                Position = change.UInt32("position"),
                LogInclusion = ReadProof(change.Element("logInclusion"), change.Path("logInclusion")),
            });
        }

        return new EvidenceBundle
        {
            FormatVersion = (int)version,
            Transaction = ParseTransaction(root.Base64("transaction"), "bundle.transaction"),
            TransactionHash = root.Hex("txHash"),
            Result = ReadResult(root.Element("result"), "bundle.result", v2),
            BlockHeight = root.UInt64("blockHeight"),
            Position = root.UInt32("position"),
            LogInclusion = ReadProof(root.Element("logInclusion"), "bundle.logInclusion"),
            CertifiedHeader = ReadCertifiedHeader(root.Element("certifiedHeader"), "bundle.certifiedHeader"),
            Genesis = root.Base64("genesis"),
            GovernanceChanges = governance,
            BatchItem = ReadBatchItem(root.Element("batchItem"), "bundle.batchItem", v2),
            PriorRegistration = v2 ? ReadPrior(root.Element("priorRegistration"), "bundle.priorRegistration") : null,
            Checkpoint = v2 ? ReadCheckpoint(root.Element("checkpoint"), "bundle.checkpoint") : null,
            NodeSetAnchors = v2 ? ReadNodeSetAnchors(root.Array("nodeSetAnchors"), "bundle.nodeSetAnchors") : [],
        };
    }

    private static ulong ReadVersion(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new EvidenceFormatException($"bundle must be a JSON object, was {root.ValueKind}");
        }

        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != EvidenceBundle.FormatName)
        {
            throw new EvidenceFormatException($"bundle.format is not '{EvidenceBundle.FormatName}'");
        }

        if (!root.TryGetProperty("formatVersion", out var version) || version.ValueKind != JsonValueKind.Number
            || !version.TryGetUInt64(out var number) || (number != EvidenceBundle.CurrentFormatVersion && number != EvidenceBundle.FormatVersion1)
            || version.GetRawText() != number.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new EvidenceFormatException($"format version {(version.ValueKind == JsonValueKind.Undefined ? "(missing)" : version.GetRawText())} is not supported (this verifier reads versions {EvidenceBundle.FormatVersion1} and {EvidenceBundle.CurrentFormatVersion})");
        }

        return number;
    }

    private static void WriteTransaction(Utf8JsonWriter writer, SignedTransaction transaction)
    {
        if (!transaction.DetachedItems.IsEmpty)
        {
            throw new ArgumentException("a bundle carries the signed transaction without its detached items (the batch item travels in batchItem)", nameof(transaction));
        }

        writer.WriteBase64String("transaction", transaction.ToByteArray());
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

        // The bytes must be the canonical encoding (fields 1-3 only, TransactionHashing): unknown
        // fields (which Google.Protobuf keeps and writes back) or non-canonical varints would let two
        // byte strings stand for one transaction, with bytes no hash covers.
        if (!TransactionHashing.EncodeCanonical(transaction).AsSpan().SequenceEqual(bytes))
        {
            throw new EvidenceFormatException($"{path} is not the canonical encoding of a SignedTransaction");
        }

        // The hash does not cover detached items: bytes there would be unchecked, so none are allowed.
        if (!transaction.DetachedItems.IsEmpty)
        {
            throw new EvidenceFormatException($"{path} carries detached batch items; a bundle carries the signed transaction without them");
        }

        return transaction;
    }

    private static void WriteResult(Utf8JsonWriter writer, TransactionResult result)
    {
        writer.WriteStartObject();
        writer.WriteNumber("code", (int)result.Code);
        writer.WriteString("reason", result.Reason);
        writer.WriteString("referenceTxHash", Convert.ToHexStringLower(result.ReferenceTxHash.Span));
        writer.WriteString("itemOutcomesRoot", Convert.ToHexStringLower(result.ItemOutcomesRoot.Span));
        writer.WriteEndObject();
    }

    private static TransactionResult ReadResult(JsonElement element, string path, bool v2)
    {
        var fields = JsonFields.Of(element, path, v2 ? Members.Result : Members.ResultV1);
        var result = new TransactionResult
        {
            Code = ReadCode(fields, path),
            Reason = fields.String("reason"),
            ReferenceTxHash = ByteString.CopyFrom(fields.Hex("referenceTxHash")),
        };
        if (v2)
        {
            result.ItemOutcomesRoot = ByteString.CopyFrom(fields.Hex("itemOutcomesRoot"));
        }

        return result;
    }

    private static ResultCode ReadCode(JsonFields fields, string path)
    {
        var code = fields.UInt32("code");
        return code <= byte.MaxValue ? (ResultCode)code : throw new EvidenceFormatException($"{path}.code {code} is out of range");
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
        var fields = JsonFields.Of(element, path, Members.Proof);
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
        var certified = JsonFields.Of(element, path, Members.CertifiedHeader);
        var h = JsonFields.Of(certified.Element("header"), $"{path}.header", Members.Header);
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
            var a = JsonFields.Of(item, $"{path}.attestations[{i++}]", Members.Attestation);
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

    private static void WriteBatchItem(Utf8JsonWriter writer, BatchItemEvidence? batchItem)
    {
        if (batchItem is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("contentSha256", Convert.ToHexStringLower(batchItem.Item.ContentSha256.Span));
        if (!batchItem.Item.ContentSm3.IsEmpty)
        {
            // Only on items that carry one (sm2-sm3 batches): bundles of other items are unchanged.
            writer.WriteString("contentSm3", Convert.ToHexStringLower(batchItem.Item.ContentSm3.Span));
        }

        writer.WriteString("itemId", batchItem.Item.ItemId);
        writer.WriteString("perceptualHash", batchItem.Item.HasPerceptualHash ? batchItem.Item.PerceptualHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : "");
        writer.WritePropertyName("itemProof");
        WriteProof(writer, batchItem.ItemProof);
        if (batchItem.Outcome is { } outcome)
        {
            writer.WriteStartObject("outcome");
            writer.WriteNumber("itemIndex", outcome.ItemIndex);
            writer.WriteNumber("code", (int)outcome.Code);
            writer.WriteString("reason", outcome.Reason);
            writer.WriteString("referenceWorkId", Convert.ToHexStringLower(outcome.ReferenceWorkId));
            writer.WriteString("referenceTxHash", Convert.ToHexStringLower(outcome.ReferenceTxHash));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("outcome");
        }

        if (batchItem.OutcomeProof is { } outcomeProof)
        {
            writer.WritePropertyName("outcomeProof");
            WriteProof(writer, outcomeProof);
        }
        else
        {
            writer.WriteNull("outcomeProof");
        }

        writer.WriteEndObject();
    }

    private static BatchItemEvidence? ReadBatchItem(JsonElement element, string path, bool v2)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // contentSm3 is optional: present exactly for an item that carries an SM3 hash.
        var members = v2 ? Members.BatchItem : Members.BatchItemV1;
        var hasSm3 = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("contentSm3", out _);
        var fields = JsonFields.Of(element, path, hasSm3 ? [.. members, "contentSm3"] : members);
        var item = new BatchItem { ContentSha256 = ByteString.CopyFrom(fields.Hex("contentSha256")), ItemId = fields.String("itemId") };
        if (hasSm3)
        {
            var sm3 = fields.Hex("contentSm3");
            if (sm3.Length != BatchItemLeaf.ContentHashBytes)
            {
                throw new EvidenceFormatException($"{path}.contentSm3 must be {2 * BatchItemLeaf.ContentHashBytes} hex digits");
            }

            item.ContentSm3 = ByteString.CopyFrom(sm3);
        }
        var perceptual = fields.Hex("perceptualHash");
        if (perceptual.Length == 8)
        {
            item.PerceptualHash = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(perceptual);
        }
        else if (perceptual.Length != 0)
        {
            throw new EvidenceFormatException($"{path}.perceptualHash must be 16 hex digits or empty");
        }

        var itemProof = ReadProof(fields.Element("itemProof"), $"{path}.itemProof");
        if (!v2)
        {
            return new BatchItemEvidence { Item = item, ItemProof = itemProof };
        }

        var outcomeElement = fields.Element("outcome");
        var proofElement = fields.Element("outcomeProof");
        return new BatchItemEvidence
        {
            Item = item,
            ItemProof = itemProof,
            Outcome = outcomeElement.ValueKind == JsonValueKind.Null ? null : ReadOutcome(outcomeElement, $"{path}.outcome"),
            OutcomeProof = proofElement.ValueKind == JsonValueKind.Null ? null : ReadProof(proofElement, $"{path}.outcomeProof"),
        };
    }

    private static BatchItemOutcome ReadOutcome(JsonElement element, string path)
    {
        var fields = JsonFields.Of(element, path, Members.ItemOutcome);
        var reason = fields.String("reason");
        if (Encoding.UTF8.GetByteCount(reason) > LogLeaf.ReasonBytesMax)
        {
            throw new EvidenceFormatException($"{path}.reason is longer than {LogLeaf.ReasonBytesMax} bytes");
        }

        var workId = fields.Hex("referenceWorkId");
        var txHash = fields.Hex("referenceTxHash");
        if (workId.Length > BatchItemOutcomeLeaf.ReferenceBytesMax || txHash.Length > BatchItemOutcomeLeaf.ReferenceBytesMax)
        {
            throw new EvidenceFormatException($"{path} has a reference longer than {BatchItemOutcomeLeaf.ReferenceBytesMax} bytes");
        }

        return new BatchItemOutcome(fields.UInt32("itemIndex"), ReadCode(fields, path), reason, workId, txHash);
    }

    private static void WritePrior(Utf8JsonWriter writer, PriorRegistrationEvidence? prior)
    {
        if (prior is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        WriteTransaction(writer, prior.Transaction);
        writer.WriteString("txHash", Convert.ToHexStringLower(prior.TransactionHash));
        writer.WritePropertyName("result");
        WriteResult(writer, prior.Result);
        writer.WriteNumber("blockHeight", prior.BlockHeight);
        writer.WriteNumber("position", prior.Position);
        writer.WritePropertyName("logInclusion");
        WriteProof(writer, prior.LogInclusion);
        writer.WritePropertyName("certifiedHeader");
        WriteCertifiedHeader(writer, prior.CertifiedHeader);
        writer.WritePropertyName("batchItem");
        WriteBatchItem(writer, prior.BatchItem);
        writer.WriteEndObject();
    }

    private static PriorRegistrationEvidence? ReadPrior(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var fields = JsonFields.Of(element, path, Members.PriorRegistration);
        return new PriorRegistrationEvidence
        {
            Transaction = ParseTransaction(fields.Base64("transaction"), fields.Path("transaction")),
            TransactionHash = fields.Hex("txHash"),
            Result = ReadResult(fields.Element("result"), fields.Path("result"), v2: true),
            BlockHeight = fields.UInt64("blockHeight"),
            Position = fields.UInt32("position"),
            LogInclusion = ReadProof(fields.Element("logInclusion"), fields.Path("logInclusion")),
            CertifiedHeader = ReadCertifiedHeader(fields.Element("certifiedHeader"), fields.Path("certifiedHeader")),
            BatchItem = ReadBatchItem(fields.Element("batchItem"), fields.Path("batchItem"), v2: true),
        };
    }

    private static void WriteCheckpoint(Utf8JsonWriter writer, CheckpointEvidence? checkpoint)
    {
        if (checkpoint is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("signedNote", checkpoint.SignedNote);
        writer.WriteStartArray("consistencyPath");
        foreach (var hash in checkpoint.ConsistencyPath)
        {
            writer.WriteStringValue(Convert.ToHexStringLower(hash));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static CheckpointEvidence? ReadCheckpoint(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var fields = JsonFields.Of(element, path, Members.Checkpoint);
        var note = fields.String("signedNote");
        if (Encoding.UTF8.GetByteCount(note) > Checkpoints.NoteLimits.NoteBytesMax)
        {
            throw new EvidenceFormatException($"{path}.signedNote is longer than {Checkpoints.NoteLimits.NoteBytesMax} bytes");
        }

        var consistency = ReadHashes(fields.Array("consistencyPath"), fields.Path("consistencyPath"));
        return new CheckpointEvidence { SignedNote = note, ConsistencyPath = consistency };
    }

    private static void WriteNodeSetAnchors(Utf8JsonWriter writer, IReadOnlyList<NodeSetAnchorEvidence> anchors)
    {
        writer.WriteStartArray("nodeSetAnchors");
        foreach (var anchor in anchors)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("certifiedHeader");
            WriteCertifiedHeader(writer, anchor.Certified);
            writer.WriteStartArray("consistencyPath");
            foreach (var hash in anchor.ConsistencyPath)
            {
                writer.WriteStringValue(Convert.ToHexStringLower(hash));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static List<NodeSetAnchorEvidence> ReadNodeSetAnchors(JsonElement array, string path)
    {
        if (array.GetArrayLength() > NodeSetAnchors.AnchorsMax)
        {
            throw new EvidenceFormatException($"{path} has more than {NodeSetAnchors.AnchorsMax} anchors");
        }

        var anchors = new List<NodeSetAnchorEvidence>();
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            var fields = JsonFields.Of(element, $"{path}[{i++}]", Members.NodeSetAnchor);
            anchors.Add(new NodeSetAnchorEvidence(
                ReadCertifiedHeader(fields.Element("certifiedHeader"), fields.Path("certifiedHeader")),
                ReadHashes(fields.Array("consistencyPath"), fields.Path("consistencyPath"))));
        }

        return anchors;
    }

    /// <summary>An array of hex hashes (a consistency proof), at most <see cref="ProofHashesMax"/>.</summary>
    private static List<byte[]> ReadHashes(JsonElement hashes, string path)
    {
        if (hashes.GetArrayLength() > ProofHashesMax)
        {
            throw new EvidenceFormatException($"{path} has more than {ProofHashesMax} hashes");
        }

        var consistency = new List<byte[]>();
        var i = 0;
        foreach (var hash in hashes.EnumerateArray())
        {
            if (hash.ValueKind != JsonValueKind.String)
            {
                throw new EvidenceFormatException($"{path}[{i}] must be a string");
            }

            consistency.Add(JsonFields.ParseHex(hash.GetString()!, $"{path}[{i}]"));
            i++;
        }

        return consistency;
    }
}
