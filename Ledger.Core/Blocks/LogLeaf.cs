using System.Buffers.Binary;
using System.Text;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Core.Blocks;

/// <summary>
/// What the chain commits to for each transaction: the transaction AND the outcome it got, so a
/// receipt's "accepted" or "rejected because …" is as tamper-evident as the transaction itself.
/// <para>
/// Leaf bytes (the RFC 9162 leaf of both the block's tx tree and the global log) =
/// <c>"ledger/v1/log-leaf\0" || tx_hash || result_hash</c>, where tx_hash is
/// <see cref="Signing.TransactionHashing"/>'s hash and result_hash = H(canonical result bytes):
/// <c>code (u8) || reason length (u16 BE) || reason (UTF-8) || reference length (u8) || reference</c>,
/// followed, when and only when <c>item_outcomes_root</c> is non-empty (an accepted BatchRegister),
/// by <c>root length (u8) || item_outcomes_root</c> (at most <see cref="ItemOutcomesRootBytesMax"/>
/// bytes; the root over the batch's per-item outcome leaves, see
/// <see cref="Evidence.BatchItemOutcomeTree"/>). Every other result encodes exactly as before that
/// field existed, so existing leaves are unchanged.
/// The Merkle leaf hash is then H(0x00 || leaf bytes), H being the suite hash.
/// </para>
/// </summary>
public static class LogLeaf
{
    public const int ReasonBytesMax = 4_096;
    public const int ReferenceBytesMax = 64;

    /// <summary>The item outcomes root is a suite hash; 64 bytes covers every hash a suite may use.</summary>
    public const int ItemOutcomesRootBytesMax = 64;

    public static ReadOnlySpan<byte> Context => "ledger/v1/log-leaf\0"u8;

    /// <summary>The canonical bytes of a transaction result (see the class summary).</summary>
    /// <remarks>
    /// The bounds here are an invariant, not input validation: the registry bounds every reason by
    /// construction (Ledger.Registry's TransactionOutcome cuts its detail, and reasons never echo
    /// unbounded input), so no signed transaction can reach this with an oversize reason. A throw here
    /// means a bug upstream, and stopping loudly is right.
    /// </remarks>
    /// <exception cref="ArgumentException">The result breaks the leaf's bounds (a broken invariant upstream).</exception>
    public static byte[] EncodeResult(TransactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var reason = Encoding.UTF8.GetBytes(result.Reason);
        if (reason.Length > ReasonBytesMax)
        {
            throw new ArgumentException($"result reason is {reason.Length} bytes, more than {ReasonBytesMax}", nameof(result));
        }

        var reference = result.ReferenceTxHash.Span;
        if (reference.Length > ReferenceBytesMax)
        {
            throw new ArgumentException($"result reference is {reference.Length} bytes, more than {ReferenceBytesMax}", nameof(result));
        }

        if (result.Code is < 0 or > (ResultCode)byte.MaxValue)
        {
            throw new ArgumentException($"result code {(int)result.Code} does not fit the leaf encoding", nameof(result));
        }

        var itemOutcomesRoot = result.ItemOutcomesRoot.Span;
        if (itemOutcomesRoot.Length > ItemOutcomesRootBytesMax)
        {
            throw new ArgumentException($"result item outcomes root is {itemOutcomesRoot.Length} bytes, more than {ItemOutcomesRootBytesMax}", nameof(result));
        }

        // Absent root: no trailing bytes at all, so leaves from before the field are unchanged.
        var rootPart = itemOutcomesRoot.IsEmpty ? 0 : 1 + itemOutcomesRoot.Length;
        var bytes = new byte[1 + 2 + reason.Length + 1 + reference.Length + rootPart];
        bytes[0] = (byte)result.Code;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), (ushort)reason.Length);
        reason.CopyTo(bytes.AsSpan(3));
        var offset = 3 + reason.Length;
        bytes[offset++] = (byte)reference.Length;
        reference.CopyTo(bytes.AsSpan(offset));
        offset += reference.Length;
        if (rootPart > 0)
        {
            bytes[offset++] = (byte)itemOutcomesRoot.Length;
            itemOutcomesRoot.CopyTo(bytes.AsSpan(offset));
        }

        return bytes;
    }

    /// <summary>The leaf bytes for a transaction hash and its result.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> transactionHash, TransactionResult result, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (transactionHash.Length != hash.HashSizeBytes)
        {
            throw new ArgumentException($"transaction hash is {transactionHash.Length} bytes, expected {hash.HashSizeBytes}", nameof(transactionHash));
        }

        var leaf = new byte[Context.Length + (2 * hash.HashSizeBytes)];
        Context.CopyTo(leaf);
        transactionHash.CopyTo(leaf.AsSpan(Context.Length));
        hash.Hash(EncodeResult(result), leaf.AsSpan(Context.Length + hash.HashSizeBytes));
        return leaf;
    }

    /// <summary>The RFC 9162 leaf hash H(0x00 || leaf bytes) a proof for this transaction starts from.</summary>
    public static byte[] MerkleLeafHash(ReadOnlySpan<byte> transactionHash, TransactionResult result, IHashAlgorithm hash) =>
        new MerkleHasher(hash).HashLeaf(Encode(transactionHash, result, hash));
}
