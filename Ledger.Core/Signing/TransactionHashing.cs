using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Signing;

/// <summary>
/// The one definition of a transaction's identity in the log.
/// <list type="bullet">
/// <item><b>Leaf bytes</b>: the canonical protobuf encoding of <see cref="SignedTransaction"/>: field 1
/// (tag 0x0A, varint length, envelope bytes) then field 2 (tag 0x12, varint length, signature bytes),
/// each omitted when empty (proto3), and nothing else (no unknown fields). This is what Google.Protobuf
/// writes for a SignedTransaction without unknown fields, and what is stored in the block.</item>
/// <item><b>Transaction hash</b> = H(leaf bytes), H the chain's suite hash (SHA-256 or SM3). It names
/// the transaction in receipts, indexes and <c>reference_tx_hash</c>.</item>
/// <item><b>Log leaf</b>: the global log and the block's tx tree commit to the transaction hash together
/// with the transaction's result: see <see cref="Blocks.LogLeaf"/>.</item>
/// </list>
/// A node must accept only submissions whose received bytes are already canonical
/// (<see cref="IsCanonical"/>), so the hash the submitter computes is the hash the ledger records.
/// </summary>
/// <remarks>
/// Nobody but the signer can produce a second valid signature for an envelope (p256-sha256 accepts only
/// low-s signatures, Ed25519 only S &lt; L, and SM2 has no (r, s) twin), so a relay cannot change a
/// transaction's hash. The signer itself can: P-256 and SM2 signing is randomised, so re-signing one
/// envelope gives a new hash. Replay protection is therefore by (signer key id, nonce), never by hash.
/// </remarks>
public static class TransactionHashing
{
    private const byte EnvelopeTag = (1 << 3) | 2;
    private const byte SignatureTag = (2 << 3) | 2;

    public static int GetLeafLength(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature) =>
        checked(FieldLength(envelope.Length) + FieldLength(signature.Length));

    /// <summary>Writes the canonical leaf bytes; false when <paramref name="destination"/> is too small.</summary>
    public static bool TryEncodeLeaf(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature, Span<byte> destination, out int bytesWritten)
    {
        var length = GetLeafLength(envelope, signature);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var offset = WriteField(EnvelopeTag, envelope, destination);
        offset += WriteField(SignatureTag, signature, destination[offset..]);
        bytesWritten = offset;
        return true;
    }

    public static byte[] EncodeLeaf(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var envelope = transaction.Envelope.Span;
        var signature = transaction.Signature.Span;
        var leaf = new byte[GetLeafLength(envelope, signature)];
        TryEncodeLeaf(envelope, signature, leaf, out _);
        return leaf;
    }

    /// <summary>True when <paramref name="received"/> parses as a SignedTransaction and is byte-identical to its canonical leaf encoding.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> received)
    {
        SignedTransaction parsed;
        try
        {
            parsed = SignedTransaction.Parser.ParseFrom(received);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }

        return received.SequenceEqual(EncodeLeaf(parsed));
    }

    /// <summary>Transaction hash = H(canonical leaf bytes).</summary>
    public static byte[] ComputeHash(IHashAlgorithm hash, SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var result = new byte[hash.HashSizeBytes];
        hash.Hash(EncodeLeaf(transaction), result);
        return result;
    }

    /// <summary>Transaction hash from leaf bytes already in canonical form (as stored in a block).</summary>
    public static void ComputeHash(IHashAlgorithm hash, ReadOnlySpan<byte> leafBytes, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hash);
        hash.Hash(leafBytes, destination);
    }

    private static int FieldLength(int valueLength) => valueLength == 0 ? 0 : 1 + VarintLength((uint)valueLength) + valueLength;

    private static int VarintLength(uint value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteField(byte tag, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        destination[0] = tag;
        var offset = 1;
        var remaining = (uint)value.Length;
        while (remaining >= 0x80)
        {
            destination[offset++] = (byte)(remaining | 0x80);
            remaining >>= 7;
        }

        destination[offset++] = (byte)remaining;
        value.CopyTo(destination[offset..]);
        return offset + value.Length;
    }
}
