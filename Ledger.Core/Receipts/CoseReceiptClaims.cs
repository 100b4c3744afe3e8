using System.Formats.Cbor;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Core.Receipts;

/// <summary>
/// What a ledger COSE receipt claims beyond RFC 9942, carried in its protected header under the
/// private-use label <see cref="CoseReceipts.LedgerClaimsLabel"/> (and listed in crit, so a
/// verifier that does not check them must refuse the receipt):
/// <code>
/// ledger-claims = {
///   1 => uint,                 ; leaf index of the transaction in the log (covered by the issuer's signature)
///   2 => block-header,         ; the block whose log_size/log_root the proof ends in
///   3 => [+ attestation],      ; that block's attestations: the quorum
///   4 => [* node-set-anchor],  ; one per earlier block that changed the node set, in height order
/// }
/// node-set-anchor = [block-header, [+ attestation], consistency-path: [* bstr]]
///   ; that block, certified by the node set before it, and the RFC 9162 consistency proof
///   ; from its log (log_size, log_root) to the receipt's block's log
/// block-header = { 1 => tstr, 2 => uint, 3 => bstr, 4 => bstr, 5 => uint, 6 => bstr, 7 => bstr,
///                  8 => int, 9 => tstr, 10 => uint, 11 => uint, 12 => uint }
///   ; keys are the BlockHeader protobuf field numbers: chain_id, height, prev_block_hash, tx_root,
///   ; log_size, log_root, state_root, timestamp_unix_ms, proposer_node_id, raft_term, raft_index, tx_count
/// attestation = [node_id: tstr, kid: bstr, signature: bstr]
///   ; the node's signature over (BlockAttestation context, chain id, uint64 BE height || block hash)
/// </code>
/// Every key is present, in this order, exactly once; the reader accepts nothing else, so one
/// receipt has one encoding.
/// </summary>
public sealed record CoseReceiptClaims(ulong LeafIndex, BlockHeader Header, IReadOnlyList<CoseReceiptAttestation> Attestations, IReadOnlyList<NodeSetAnchor> NodeSetAnchors)
{
    /// <summary>A block has at most one attestation per node, and a consortium at most this many nodes.</summary>
    public const int AttestationsMax = ConsortiumGenesis.NodesMax;

    /// <summary>Larger than any suite's signature (DER ECDSA ≤ 72 bytes, Ed25519 64).</summary>
    public const int SignatureBytesMax = 256;

    /// <summary>Node-set changes a receipt can vouch for (each anchor is about 1 KiB with 7 nodes; the receipt is at most <see cref="CoseReceipts.ReceiptBytesMax"/>).</summary>
    public const int NodeSetAnchorsMax = 32;

    /// <summary>A consistency proof between two sizes below 2^64 has fewer hashes.</summary>
    public const int ConsistencyHashesMax = 128;

    private const int HeaderFieldCount = 12;
    private const int ClaimCount = 4;
    private const int LeafIndexKey = 1;
    private const int HeaderKey = 2;
    private const int AttestationsKey = 3;
    private const int NodeSetAnchorsKey = 4;

    /// <summary>The claims of a receipt for leaf <paramref name="leafIndex"/> of the block of <paramref name="certified"/>.</summary>
    public static CoseReceiptClaims From(ulong leafIndex, CertifiedHeader certified, IReadOnlyList<NodeSetAnchor>? anchors = null)
    {
        ArgumentNullException.ThrowIfNull(certified);
        var header = certified.Header ?? throw new ArgumentException("certified header has no header", nameof(certified));
        return new CoseReceiptClaims(leafIndex, header, AttestationsOf(certified), anchors ?? []);
    }

    public static IReadOnlyList<CoseReceiptAttestation> AttestationsOf(CertifiedHeader certified)
    {
        ArgumentNullException.ThrowIfNull(certified);
        return [.. certified.Attestations.Select(a => new CoseReceiptAttestation(a.NodeId, a.KeyId.ToByteArray(), a.Signature.ToByteArray()))];
    }

    /// <summary>
    /// The certified header these claims stand for: each attestation is for this header's height and
    /// hash (<paramref name="blockHash"/>) in the consortium's suite, so only its signature is left to check.
    /// </summary>
    public CertifiedHeader ToCertifiedHeader(ReadOnlySpan<byte> blockHash, string suiteName) => ToCertifiedHeader(Header, Attestations, blockHash, suiteName);

    /// <summary>As <see cref="ToCertifiedHeader(ReadOnlySpan{byte}, string)"/>, for any header and its attestations.</summary>
    public static CertifiedHeader ToCertifiedHeader(BlockHeader header, IReadOnlyList<CoseReceiptAttestation> attestations, ReadOnlySpan<byte> blockHash, string suiteName)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(attestations);
        var certified = new CertifiedHeader { Header = header };
        foreach (var attestation in attestations)
        {
            certified.Attestations.Add(new Attestation
            {
                NodeId = attestation.NodeId,
                KeyId = ByteString.CopyFrom(attestation.KeyId),
                Suite = suiteName,
                BlockHash = ByteString.CopyFrom(blockHash),
                Height = header.Height,
                Signature = ByteString.CopyFrom(attestation.Signature),
            });
        }

        return certified;
    }

    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(ClaimCount);
        writer.WriteInt32(LeafIndexKey);
        writer.WriteUInt64(LeafIndex);
        writer.WriteInt32(HeaderKey);
        WriteHeader(writer, Header);
        writer.WriteInt32(AttestationsKey);
        WriteAttestations(writer, Attestations);
        writer.WriteInt32(NodeSetAnchorsKey);
        writer.WriteStartArray(NodeSetAnchors.Count);
        foreach (var anchor in NodeSetAnchors)
        {
            writer.WriteStartArray(3);
            WriteHeader(writer, anchor.Header);
            WriteAttestations(writer, anchor.Attestations);
            writer.WriteStartArray(anchor.ConsistencyPath.Count);
            foreach (var hash in anchor.ConsistencyPath)
            {
                writer.WriteByteString(hash);
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteAttestations(CborWriter writer, IReadOnlyList<CoseReceiptAttestation> attestations)
    {
        writer.WriteStartArray(attestations.Count);
        foreach (var attestation in attestations)
        {
            writer.WriteStartArray(3);
            writer.WriteTextString(attestation.NodeId);
            writer.WriteByteString(attestation.KeyId);
            writer.WriteByteString(attestation.Signature);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static List<CoseReceiptAttestation> ReadAttestations(CborReader reader)
    {
        var count = reader.ReadStartArray() ?? throw new CoseReceiptException("attestations must have a definite length");
        Expect(count is >= 1 and <= AttestationsMax, $"a block carries 1..{AttestationsMax} attestations, this one {count}");
        var attestations = new List<CoseReceiptAttestation>(count);
        for (var i = 0; i < count; i++)
        {
            Expect(reader.ReadStartArray() == 3, "an attestation is [node_id, kid, signature]");
            var nodeId = ReadText(reader, "attestation node_id", BlockHeaderEncoding.NodeIdBytesMax);
            var keyId = ReadBytes(reader, "attestation kid", Keys.KeyId.BytesMax);
            var signature = ReadBytes(reader, "attestation signature", SignatureBytesMax);
            reader.ReadEndArray();
            attestations.Add(new CoseReceiptAttestation(nodeId, keyId, signature));
        }

        reader.ReadEndArray();
        return attestations;
    }

    /// <summary>Reads exactly what <see cref="Encode"/> writes; throws <see cref="CoseReceiptException"/> for anything else.</summary>
    public static CoseReceiptClaims Decode(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var reader = new CborReader(encoded, CborConformanceMode.Strict);
            Expect(reader.ReadStartMap() == ClaimCount, $"ledger claims must be a map of {ClaimCount} entries");
            ExpectKey(reader, LeafIndexKey);
            var leafIndex = reader.ReadUInt64();
            ExpectKey(reader, HeaderKey);
            var header = ReadHeader(reader);
            ExpectKey(reader, AttestationsKey);
            var attestations = ReadAttestations(reader);
            ExpectKey(reader, NodeSetAnchorsKey);
            var anchorCount = reader.ReadStartArray() ?? throw new CoseReceiptException("node-set anchors must have a definite length");
            Expect(anchorCount <= NodeSetAnchorsMax, $"more than {NodeSetAnchorsMax} node-set anchors");
            var anchors = new List<NodeSetAnchor>(anchorCount);
            for (var i = 0; i < anchorCount; i++)
            {
                Expect(reader.ReadStartArray() == 3, "a node-set anchor is [block-header, attestations, consistency-path]");
                var anchorHeader = ReadHeader(reader);
                var anchorAttestations = ReadAttestations(reader);
                var pathCount = reader.ReadStartArray() ?? throw new CoseReceiptException("consistency path must have a definite length");
                Expect(pathCount <= ConsistencyHashesMax, $"consistency path has more than {ConsistencyHashesMax} hashes");
                var path = new List<byte[]>(pathCount);
                for (var j = 0; j < pathCount; j++)
                {
                    path.Add(ReadBytes(reader, "consistency path hash", BlockHeaderEncoding.HashBytesMax));
                }

                reader.ReadEndArray();
                reader.ReadEndArray();
                anchors.Add(new NodeSetAnchor(anchorHeader, anchorAttestations, path));
            }

            reader.ReadEndArray();
            reader.ReadEndMap();
            Expect(reader.BytesRemaining == 0, "trailing bytes after the ledger claims");
            return new CoseReceiptClaims(leafIndex, header, attestations, anchors);
        }
        catch (Exception exception) when (exception is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CoseReceiptException($"malformed ledger claims: {exception.Message}", exception);
        }
    }

    private static void WriteHeader(CborWriter writer, BlockHeader header)
    {
        writer.WriteStartMap(HeaderFieldCount);
        writer.WriteInt32(BlockHeader.ChainIdFieldNumber);
        writer.WriteTextString(header.ChainId);
        writer.WriteInt32(BlockHeader.HeightFieldNumber);
        writer.WriteUInt64(header.Height);
        writer.WriteInt32(BlockHeader.PrevBlockHashFieldNumber);
        writer.WriteByteString(header.PrevBlockHash.Span);
        writer.WriteInt32(BlockHeader.TxRootFieldNumber);
        writer.WriteByteString(header.TxRoot.Span);
        writer.WriteInt32(BlockHeader.LogSizeFieldNumber);
        writer.WriteUInt64(header.LogSize);
        writer.WriteInt32(BlockHeader.LogRootFieldNumber);
        writer.WriteByteString(header.LogRoot.Span);
        writer.WriteInt32(BlockHeader.StateRootFieldNumber);
        writer.WriteByteString(header.StateRoot.Span);
        writer.WriteInt32(BlockHeader.TimestampUnixMsFieldNumber);
        writer.WriteInt64(header.TimestampUnixMs);
        writer.WriteInt32(BlockHeader.ProposerNodeIdFieldNumber);
        writer.WriteTextString(header.ProposerNodeId);
        writer.WriteInt32(BlockHeader.RaftTermFieldNumber);
        writer.WriteUInt64(header.RaftTerm);
        writer.WriteInt32(BlockHeader.RaftIndexFieldNumber);
        writer.WriteUInt64(header.RaftIndex);
        writer.WriteInt32(BlockHeader.TxCountFieldNumber);
        writer.WriteUInt32(header.TxCount);
        writer.WriteEndMap();
    }

    private static BlockHeader ReadHeader(CborReader reader)
    {
        Expect(reader.ReadStartMap() == HeaderFieldCount, $"block header must be a map of {HeaderFieldCount} entries");
        var header = new BlockHeader();
        ExpectKey(reader, BlockHeader.ChainIdFieldNumber);
        header.ChainId = ReadText(reader, "chain_id", BlockHeaderEncoding.ChainIdBytesMax);
        ExpectKey(reader, BlockHeader.HeightFieldNumber);
        header.Height = reader.ReadUInt64();
        ExpectKey(reader, BlockHeader.PrevBlockHashFieldNumber);
        header.PrevBlockHash = ByteString.CopyFrom(ReadBytes(reader, "prev_block_hash", BlockHeaderEncoding.HashBytesMax));
        ExpectKey(reader, BlockHeader.TxRootFieldNumber);
        header.TxRoot = ByteString.CopyFrom(ReadBytes(reader, "tx_root", BlockHeaderEncoding.HashBytesMax));
        ExpectKey(reader, BlockHeader.LogSizeFieldNumber);
        header.LogSize = reader.ReadUInt64();
        ExpectKey(reader, BlockHeader.LogRootFieldNumber);
        header.LogRoot = ByteString.CopyFrom(ReadBytes(reader, "log_root", BlockHeaderEncoding.HashBytesMax));
        ExpectKey(reader, BlockHeader.StateRootFieldNumber);
        header.StateRoot = ByteString.CopyFrom(ReadBytes(reader, "state_root", BlockHeaderEncoding.HashBytesMax));
        ExpectKey(reader, BlockHeader.TimestampUnixMsFieldNumber);
        header.TimestampUnixMs = reader.ReadInt64();
        ExpectKey(reader, BlockHeader.ProposerNodeIdFieldNumber);
        header.ProposerNodeId = ReadText(reader, "proposer_node_id", BlockHeaderEncoding.NodeIdBytesMax);
        ExpectKey(reader, BlockHeader.RaftTermFieldNumber);
        header.RaftTerm = reader.ReadUInt64();
        ExpectKey(reader, BlockHeader.RaftIndexFieldNumber);
        header.RaftIndex = reader.ReadUInt64();
        ExpectKey(reader, BlockHeader.TxCountFieldNumber);
        header.TxCount = reader.ReadUInt32();
        reader.ReadEndMap();
        return header;
    }

    private static void ExpectKey(CborReader reader, int key)
    {
        var found = reader.ReadInt32();
        Expect(found == key, $"expected key {key}, found {found}");
    }

    private static string ReadText(CborReader reader, string name, int utf8BytesMax)
    {
        var text = reader.ReadTextString();
        Expect(System.Text.Encoding.UTF8.GetByteCount(text) <= utf8BytesMax, $"{name} is longer than {utf8BytesMax} bytes");
        return text;
    }

    private static byte[] ReadBytes(CborReader reader, string name, int bytesMax)
    {
        var bytes = reader.ReadByteString();
        Expect(bytes.Length <= bytesMax, $"{name} is longer than {bytesMax} bytes");
        return bytes;
    }

    private static void Expect(bool condition, string reason)
    {
        if (!condition)
        {
            throw new CoseReceiptException(reason);
        }
    }
}

/// <summary>
/// An earlier block that changed the node set, certified by the node set before it, and the RFC 9162
/// consistency proof from its log to the receipt's block's log: the changes it executed are then
/// vouched for by the nodes in force when they were made, not by the set they produced.
/// </summary>
public sealed record NodeSetAnchor(BlockHeader Header, IReadOnlyList<CoseReceiptAttestation> Attestations, IReadOnlyList<byte[]> ConsistencyPath);

/// <summary>One node's attestation of a block, as the receipt carries it.</summary>
public sealed record CoseReceiptAttestation(string NodeId, byte[] KeyId, byte[] Signature);
