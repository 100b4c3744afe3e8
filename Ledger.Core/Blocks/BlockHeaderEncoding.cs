using System.Text;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Blocks;

/// <summary>
/// The canonical byte layout of a <see cref="BlockHeader"/> that block hashes are computed over
/// (never the protobuf encoding, which is not canonical across implementations). Version 1:
/// <code>
/// bytes  field
/// 23     magic: ASCII "ledger/v1/block-header" then 0x00
/// 2+n    chain_id          uint16 BE length (1..128) + UTF-8
/// 8      height            uint64 BE
/// 2+n    prev_block_hash   uint16 BE length (0..64) + bytes
/// 2+n    tx_root           uint16 BE length (0..64) + bytes
/// 8      log_size          uint64 BE
/// 2+n    log_root          uint16 BE length (0..64) + bytes
/// 2+n    state_root        uint16 BE length (0..64) + bytes, length 0 when absent
/// 8      timestamp_unix_ms int64 BE (two's complement)
/// 2+n    proposer_node_id  uint16 BE length (0..128) + UTF-8
/// 8      raft_term         uint64 BE
/// 8      raft_index        uint64 BE
/// 4      tx_count          uint32 BE
/// </code>
/// Fields appear in protobuf field-number order, every field is always present, and every
/// variable-length field is length-prefixed, so the encoding is injective. Strings must be
/// well-formed Unicode (no lone surrogates). The magic starts with 'l' (0x6C), so a header encoding
/// never collides with an RFC 9162 leaf (0x00) or node (0x01) hash input. Any change to this layout
/// is a new magic ("ledger/v2/...").
/// </summary>
public static class BlockHeaderEncoding
{
    public const int HashBytesMax = 64;
    public const int NodeIdBytesMax = 128;
    public const int ChainIdBytesMax = ChainIdRules.Utf8BytesMax;

    /// <summary>Upper bound of an encoded header; a stack buffer of this size always suffices.</summary>
    public const int EncodedBytesMax =
        MagicLength
        + (2 * (sizeof(ushort) + ChainIdBytesMax))
        + (4 * (sizeof(ushort) + HashBytesMax))
        + (5 * sizeof(ulong))
        + sizeof(uint);

    private const int MagicLength = 23;

    /// <summary>"ledger/v1/block-header" followed by a zero byte.</summary>
    public static ReadOnlySpan<byte> Magic => "ledger/v1/block-header\0"u8;

    /// <summary>Exact encoded length; throws <see cref="BlockHeaderEncodingException"/> for oversize or malformed fields.</summary>
    public static int GetEncodedLength(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return MagicLength
            + sizeof(ushort) + ValidatedUtf8Length("chain_id", header.ChainId, 1, ChainIdBytesMax)
            + sizeof(ulong)
            + sizeof(ushort) + ValidatedHashLength("prev_block_hash", header.PrevBlockHash.Length)
            + sizeof(ushort) + ValidatedHashLength("tx_root", header.TxRoot.Length)
            + sizeof(ulong)
            + sizeof(ushort) + ValidatedHashLength("log_root", header.LogRoot.Length)
            + sizeof(ushort) + ValidatedHashLength("state_root", header.StateRoot.Length)
            + sizeof(long)
            + sizeof(ushort) + ValidatedUtf8Length("proposer_node_id", header.ProposerNodeId, 0, NodeIdBytesMax)
            + sizeof(ulong)
            + sizeof(ulong)
            + sizeof(uint);
    }

    /// <summary>
    /// Writes the canonical encoding. Returns false when <paramref name="destination"/> is too small
    /// (<see cref="EncodedBytesMax"/> always suffices); throws <see cref="BlockHeaderEncodingException"/>
    /// when a field is oversize or malformed, whatever the destination.
    /// </summary>
    public static bool TryEncode(BlockHeader header, Span<byte> destination, out int bytesWritten)
    {
        var length = GetEncodedLength(header);
        bytesWritten = 0;
        if (destination.Length < length)
        {
            return false;
        }

        Span<byte> chainId = stackalloc byte[ChainIdBytesMax];
        Span<byte> nodeId = stackalloc byte[NodeIdBytesMax];
        var chainIdLength = ChainIdRules.StrictUtf8.GetBytes(header.ChainId, chainId);
        var nodeIdLength = ChainIdRules.StrictUtf8.GetBytes(header.ProposerNodeId, nodeId);

        var writer = new CanonicalWriter(destination);
        var complete = writer.TryWriteBytes(Magic)
            && writer.TryWriteLengthPrefixed(chainId[..chainIdLength])
            && writer.TryWriteUInt64(header.Height)
            && writer.TryWriteLengthPrefixed(header.PrevBlockHash.Span)
            && writer.TryWriteLengthPrefixed(header.TxRoot.Span)
            && writer.TryWriteUInt64(header.LogSize)
            && writer.TryWriteLengthPrefixed(header.LogRoot.Span)
            && writer.TryWriteLengthPrefixed(header.StateRoot.Span)
            && writer.TryWriteInt64(header.TimestampUnixMs)
            && writer.TryWriteLengthPrefixed(nodeId[..nodeIdLength])
            && writer.TryWriteUInt64(header.RaftTerm)
            && writer.TryWriteUInt64(header.RaftIndex)
            && writer.TryWriteUInt32(header.TxCount);

        // The length was computed from the same fields; a mismatch is a bug in this file, not bad input.
        if (!complete || writer.Position != length)
        {
            throw new InvalidOperationException($"block header encoding wrote {writer.Position} bytes, expected {length}");
        }

        bytesWritten = length;
        return true;
    }

    public static byte[] Encode(BlockHeader header)
    {
        var encoded = new byte[GetEncodedLength(header)];
        TryEncode(header, encoded, out _);
        return encoded;
    }

    private static int ValidatedHashLength(string fieldName, int length) =>
        length <= HashBytesMax
            ? length
            : throw new BlockHeaderEncodingException(fieldName, $"{length} bytes exceeds the maximum of {HashBytesMax}");

    private static int ValidatedUtf8Length(string fieldName, string value, int minimumBytes, int maximumBytes)
    {
        int length;
        try
        {
            length = ChainIdRules.StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException exception)
        {
            throw new BlockHeaderEncodingException(fieldName, "not well-formed Unicode", exception);
        }

        if (length < minimumBytes || length > maximumBytes)
        {
            throw new BlockHeaderEncodingException(fieldName, $"{length} UTF-8 bytes is outside {minimumBytes}..{maximumBytes}");
        }

        return length;
    }
}
