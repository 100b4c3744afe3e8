using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Signing;

/// <summary>
/// The one definition of a transaction's identity in the log.
/// <list type="bullet">
/// <item><b>Hashed bytes</b> ("leaf bytes" below, for history): field 1 (tag 0x0A, varint length,
/// envelope bytes) then field 2 (tag 0x12, varint length, signature bytes) of
/// <see cref="SignedTransaction"/>, each omitted when empty (proto3), and nothing else.</item>
/// <item><b>Canonical bytes</b>: the hashed bytes followed by field 3 (tag 0x1A, varint length,
/// <c>detached_items</c>), omitted when empty, and nothing else (no unknown fields). This is what
/// Google.Protobuf writes for a SignedTransaction without unknown fields, what a node accepts
/// (<see cref="IsCanonical"/>), stores in the block and serves back. Only a BatchRegister has
/// detached items (the canonical serialization of its <c>BatchItems</c>); for every other
/// transaction canonical bytes and hashed bytes are the same.</item>
/// <item><b>Transaction hash</b> = H(hashed bytes), H the chain's suite hash (SHA-256 or SM3). It
/// does NOT cover <c>detached_items</c>: the member's signature covers a batch's items through the
/// signed body's merkle_root and item_count, which the rules check against the detached items, so
/// the items can be left out of one item's evidence (its Merkle path to merkle_root suffices). The
/// hash names the transaction in receipts, indexes and <c>reference_tx_hash</c>.</item>
/// <item><b>Log leaf</b>: the global log and the block's tx tree commit to the transaction hash together
/// with the transaction's result: see <see cref="Blocks.LogLeaf"/>.</item>
/// </list>
/// A node must accept only submissions whose received bytes are already canonical
/// (<see cref="IsCanonical"/>), so the hash the submitter computes is the hash the ledger records.
/// Whatever stores or relays a transaction keeps its full canonical bytes, detached items included.
/// </summary>
/// <remarks>
/// Nobody but the signer can produce a second valid signature for an envelope (p256-sha256 accepts only
/// low-s signatures, Ed25519 only S &lt; L, and SM2 has no (r, s) twin), so a relay cannot change a
/// transaction's hash. The signer itself can: P-256 and SM2 signing is randomised, so re-signing one
/// envelope gives a new hash. Replay protection is therefore by (signer key id, nonce), never by hash.
/// A relay CAN change the detached items without changing the hash; items that do not match the signed
/// root and count only get the transaction rejected (as a relay could drop it), never accepted with
/// other items.
/// </remarks>
public static class TransactionHashing
{
    private const byte EnvelopeTag = (1 << 3) | 2;
    private const byte SignatureTag = (2 << 3) | 2;
    private const byte DetachedItemsTag = (3 << 3) | 2;

    /// <summary>Length of the hashed bytes (fields 1 and 2).</summary>
    public static int GetLeafLength(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature) =>
        checked(FieldLength(envelope.Length) + FieldLength(signature.Length));

    /// <summary>Length of the canonical bytes (fields 1, 2 and 3).</summary>
    public static int GetCanonicalLength(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> detachedItems) =>
        checked(GetLeafLength(envelope, signature) + FieldLength(detachedItems.Length));

    /// <summary>Writes the hashed bytes (fields 1 and 2); false when <paramref name="destination"/> is too small.</summary>
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

    /// <summary>Writes the canonical bytes (fields 1, 2, 3); false when <paramref name="destination"/> is too small.</summary>
    public static bool TryEncodeCanonical(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> detachedItems, Span<byte> destination, out int bytesWritten)
    {
        var length = GetCanonicalLength(envelope, signature, detachedItems);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var offset = WriteField(EnvelopeTag, envelope, destination);
        offset += WriteField(SignatureTag, signature, destination[offset..]);
        offset += WriteField(DetachedItemsTag, detachedItems, destination[offset..]);
        bytesWritten = offset;
        return true;
    }

    /// <summary>The canonical bytes: what a node accepts, stores and serves.</summary>
    public static byte[] EncodeCanonical(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var envelope = transaction.Envelope.Span;
        var signature = transaction.Signature.Span;
        var detachedItems = transaction.DetachedItems.Span;
        var bytes = new byte[GetCanonicalLength(envelope, signature, detachedItems)];
        TryEncodeCanonical(envelope, signature, detachedItems, bytes, out _);
        return bytes;
    }

    /// <summary>The hashed bytes (fields 1 and 2; never the detached items).</summary>
    public static byte[] EncodeLeaf(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var envelope = transaction.Envelope.Span;
        var signature = transaction.Signature.Span;
        var leaf = new byte[GetLeafLength(envelope, signature)];
        TryEncodeLeaf(envelope, signature, leaf, out _);
        return leaf;
    }

    /// <summary>True when <paramref name="received"/> parses as a SignedTransaction and is byte-identical to its canonical encoding (fields 1, 2, 3).</summary>
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

        return received.SequenceEqual(EncodeCanonical(parsed));
    }

    /// <summary>Transaction hash = H(hashed bytes): fields 1 and 2, whatever the detached items.</summary>
    public static byte[] ComputeHash(IHashAlgorithm hash, SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var result = new byte[hash.HashSizeBytes];
        hash.Hash(EncodeLeaf(transaction), result);
        return result;
    }

    /// <summary>Transaction hash from hashed bytes already in canonical form (fields 1 and 2 only).</summary>
    public static void ComputeHash(IHashAlgorithm hash, ReadOnlySpan<byte> leafBytes, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hash);
        hash.Hash(leafBytes, destination);
    }

    /// <summary>
    /// Transaction hash from canonical bytes (<see cref="IsCanonical"/>, as received or stored) and
    /// their parse: the hashed bytes are their prefix, before any detached items.
    /// </summary>
    public static void ComputeHashOfCanonical(IHashAlgorithm hash, ReadOnlySpan<byte> canonicalBytes, SignedTransaction parsed, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(parsed);
        hash.Hash(canonicalBytes[..GetLeafLength(parsed.Envelope.Span, parsed.Signature.Span)], destination);
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
