using System.Buffers.Binary;
using System.Text;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;

namespace Ledger.Core.Evidence;

/// <summary>
/// Canonical bytes of one batch item's outcome, the leaf input of the tree whose root is the
/// batch result's <c>item_outcomes_root</c>:
/// <code>
/// "ledger/v1/batch-item-outcome\0"     context (29 bytes)
/// u32 BE item index
/// u8 code                              ResultCode (1 = OK, 2 = REJECTED)
/// u16 BE reason length || reason       UTF-8, at most LogLeaf.ReasonBytesMax
/// u8 length || reference work id       at most ReferenceBytesMax (empty unless a duplicate)
/// u8 length || reference tx hash       at most ReferenceBytesMax (empty unless a duplicate)
/// </code>
/// The Merkle leaf hash is H(0x00 || these bytes), H the suite hash (RFC 9162).
/// </summary>
/// <remarks>
/// The bounds are invariants, not input validation: the registry bounds every item reason by
/// construction, so a throw here is a bug upstream (as in <see cref="LogLeaf.EncodeResult"/>).
/// </remarks>
public static class BatchItemOutcomeLeaf
{
    public const int ReferenceBytesMax = 64;

    public static ReadOnlySpan<byte> Context => "ledger/v1/batch-item-outcome\0"u8;

    /// <summary>The longest leaf: context, index, code, the longest reason and both references at their bound.</summary>
    public static readonly int EncodedBytesMax = Context.Length + sizeof(uint) + 1 + sizeof(ushort) + LogLeaf.ReasonBytesMax + 1 + ReferenceBytesMax + 1 + ReferenceBytesMax;

    /// <exception cref="ArgumentException">The outcome breaks the leaf's bounds (a broken invariant upstream).</exception>
    public static byte[] Encode(BatchItemOutcome outcome)
    {
        var buffer = new byte[EncodedBytesMax];
        var length = Encode(outcome, buffer);
        return buffer[..length];
    }

    /// <summary>Writes the leaf bytes into <paramref name="destination"/> (at least <see cref="EncodedBytesMax"/> long) and returns their length.</summary>
    /// <exception cref="ArgumentException">The outcome breaks the leaf's bounds (a broken invariant upstream), or the destination is too short.</exception>
    public static int Encode(BatchItemOutcome outcome, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (destination.Length < EncodedBytesMax)
        {
            throw new ArgumentException($"destination is {destination.Length} bytes, less than {EncodedBytesMax}", nameof(destination));
        }

        var reason = outcome.Reason ?? "";
        var reasonBytes = Encoding.UTF8.GetByteCount(reason);
        if (reasonBytes > LogLeaf.ReasonBytesMax)
        {
            throw new ArgumentException($"item outcome reason is {reasonBytes} bytes, more than {LogLeaf.ReasonBytesMax}", nameof(outcome));
        }

        var workId = outcome.ReferenceWorkId ?? [];
        var txHash = outcome.ReferenceTxHash ?? [];
        if (workId.Length > ReferenceBytesMax)
        {
            throw new ArgumentException($"item outcome reference work id is {workId.Length} bytes, more than {ReferenceBytesMax}", nameof(outcome));
        }

        if (txHash.Length > ReferenceBytesMax)
        {
            throw new ArgumentException($"item outcome reference tx hash is {txHash.Length} bytes, more than {ReferenceBytesMax}", nameof(outcome));
        }

        if (outcome.Code is < 0 or > (Protocol.ResultCode)byte.MaxValue)
        {
            throw new ArgumentException($"item outcome code {(int)outcome.Code} does not fit the leaf encoding", nameof(outcome));
        }

        var offset = 0;
        Context.CopyTo(destination);
        offset += Context.Length;
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], outcome.ItemIndex);
        offset += sizeof(uint);
        destination[offset++] = (byte)outcome.Code;
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)reasonBytes);
        offset += sizeof(ushort);
        offset += Encoding.UTF8.GetBytes(reason, destination[offset..]);
        destination[offset++] = (byte)workId.Length;
        workId.CopyTo(destination[offset..]);
        offset += workId.Length;
        destination[offset++] = (byte)txHash.Length;
        txHash.CopyTo(destination[offset..]);
        return offset + txHash.Length;
    }

    /// <summary>The RFC 9162 leaf hash H(0x00 || leaf bytes) an item outcome proof starts from.</summary>
    public static byte[] MerkleLeafHash(BatchItemOutcome outcome, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return new MerkleHasher(hash).HashLeaf(Encode(outcome));
    }
}
