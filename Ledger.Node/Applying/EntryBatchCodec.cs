using System.Buffers;
using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Applying;

namespace Ledger.Node.Applying;

/// <summary>
/// Reads the leader's batch out of a committed entry. An honest leader proposes only batches of
/// transactions that passed its door, but nothing forces a leader to be honest (or bug-free), and a
/// committed entry is in every node's log for good: so whatever the bytes are, every node reads them
/// the same way and never halts on them. A batch that does not parse gives no block (see
/// <see cref="TryDecode"/>); a transaction that cannot be read gets its place in the block, recorded
/// as rejected (<see cref="DecodeTransaction"/>).
/// </summary>
public static class EntryBatchCodec
{
    /// <summary>Detail text for undecodable bytes quotes at most this many bytes' worth of parser message.</summary>
    public const int ProblemDetailCharsMax = 200;

    public static byte[] Encode(long timestampUnixMs, string proposerNodeId, IReadOnlyList<byte[]> signedTransactions)
    {
        var batch = new EntryBatch { TimestampUnixMs = timestampUnixMs, ProposerNodeId = proposerNodeId };
        foreach (var transaction in signedTransactions)
        {
            batch.Transactions.Add(UnsafeByteOperations.UnsafeWrap(transaction));
        }

        return batch.ToByteArray();
    }

    /// <summary>
    /// The batch in a committed entry, or false with a bounded description when the bytes are not a
    /// batch this chain can turn into a block: they do not parse, carry more transactions than a
    /// block may, or name a proposer no block header can hold. Nothing in such an entry can be attributed (no transaction boundaries, or no block
    /// to put them in), so every node records only the Raft progress, logs it and counts it; the
    /// entry itself stays in the Raft log until compaction, as evidence of what the leader proposed.
    /// </summary>
    public static bool TryDecode(Entry entry, out EntryBatch batch, out string problem)
    {
        try
        {
            batch = ParseBatch(entry.Data);
        }
        catch (InvalidProtocolBufferException e)
        {
            batch = new EntryBatch();
            problem = $"the entry's {entry.Data.Length} bytes do not parse as a batch: {Bounded(e.Message)}";
            return false;
        }

        if (batch.Transactions.Count > RegistryLimits.BlockTransactionsMax)
        {
            problem = $"the batch carries {batch.Transactions.Count} transactions, more than {nameof(RegistryLimits.BlockTransactionsMax)}={RegistryLimits.BlockTransactionsMax}";
            return false;
        }

        // The header could not be encoded (and every node would fault building it).
        var proposerBytes = System.Text.Encoding.UTF8.GetByteCount(batch.ProposerNodeId);
        if (proposerBytes > BlockHeaderEncoding.NodeIdBytesMax)
        {
            problem = $"the batch's proposer_node_id is {proposerBytes} bytes, more than {nameof(BlockHeaderEncoding.NodeIdBytesMax)}={BlockHeaderEncoding.NodeIdBytesMax}";
            return false;
        }

        problem = "";
        return true;
    }

    /// <summary>
    /// One transaction of a committed batch, as the block records it and the rules see it. Bytes
    /// that are not a canonical SignedTransaction are recorded wrapped, as the envelope of an unsigned
    /// SignedTransaction (<c>{ envelope = the bytes as committed }</c>): the block keeps exactly what
    /// was committed, its transaction hash is the ordinary hash of that record (so block hashing,
    /// inclusion proofs and audits work unchanged), and it can never collide with a signed
    /// transaction's hash, whose leaf always has a signature field. A canonical transaction whose
    /// envelope does not parse is recorded as it is. Both are rejected with a bounded reason.
    /// </summary>
    public static DecodedTransaction DecodeTransaction(ByteString bytes, IHashAlgorithm hash)
    {
        SignedTransaction parsed;
        try
        {
            parsed = ParseTransaction(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Wrapped(bytes, hash, RejectionReason.MalformedTransaction, $"the transaction's {bytes.Length} bytes do not parse: {Bounded(e.Message)}");
        }

        if (!IsCanonical(bytes, parsed))
        {
            return Wrapped(bytes, hash, RejectionReason.NonCanonicalEncoding, $"the transaction's {bytes.Length} bytes are not its canonical encoding (envelope, then signature, then any detached items, nothing else)");
        }

        // The hash covers envelope and signature, not the detached items (TransactionHashing).
        var transactionHash = new byte[hash.HashSizeBytes];
        TransactionHashing.ComputeHashOfCanonical(hash, bytes.Span, parsed, transactionHash);
        try
        {
            return new DecodedTransaction(parsed, transactionHash, TransactionEnvelope.Parser.ParseFrom(parsed.Envelope), null);
        }
        catch (InvalidProtocolBufferException e)
        {
            return new DecodedTransaction(parsed, transactionHash, null, RegistryTransaction.NotDecodable(
                transactionHash, RejectionReason.MalformedTransaction, $"the envelope's {parsed.Envelope.Length} bytes do not parse: {Bounded(e.Message)}"));
        }
    }

    /// <summary>Whether <paramref name="bytes"/> are exactly the canonical encoding of <paramref name="parsed"/> (envelope, signature, detached items; checked in a pooled buffer).</summary>
    public static bool IsCanonical(ByteString bytes, SignedTransaction parsed)
    {
        var canonical = ArrayPool<byte>.Shared.Rent(bytes.Length);
        try
        {
            return TransactionHashing.TryEncodeCanonical(parsed.Envelope.Span, parsed.Signature.Span, parsed.DetachedItems.Span, canonical, out var written)
                && bytes.Span.SequenceEqual(canonical.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(canonical);
        }
    }

    /// <summary>
    /// What <c>EntryBatch.Parser.ParseFrom(data)</c> gives, with each transaction a view of <paramref name="data"/>
    /// rather than a copy (<see cref="TryReadInPlace(ReadOnlyMemory{byte}, out EntryBatch)"/>); throws as it does.
    /// <paramref name="data"/> must never be written afterwards (committed entry data never is).
    /// </summary>
    public static EntryBatch ParseBatch(ReadOnlyMemory<byte> data) =>
        TryReadInPlace(data, out var inPlace) ? inPlace : EntryBatch.Parser.ParseFrom(data.Span);

    /// <summary>What <c>SignedTransaction.Parser.ParseFrom(bytes)</c> gives, with its fields views of <paramref name="bytes"/>; throws as it does.</summary>
    public static SignedTransaction ParseTransaction(ByteString bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return TryReadInPlace(bytes, out var inPlace) ? inPlace : SignedTransaction.Parser.ParseFrom(bytes);
    }

    // Field keys: EntryBatch.timestamp_unix_ms (1, varint), proposer_node_id (2) and transactions (3), and
    // SignedTransaction's envelope (1), signature (2) and detached_items (3), all length-delimited.
    private const ulong VarintKey1 = (1 << 3) | 0;
    private const ulong BytesKey1 = (1 << 3) | 2;
    private const ulong BytesKey2 = (2 << 3) | 2;
    private const ulong BytesKey3 = (3 << 3) | 2;

    /// <summary>
    /// The batch with each transaction a view of the entry's own bytes instead of a copy: a committed
    /// BatchRegister is a megabyte or more, and the full parse copied it into fresh large-object-heap arrays
    /// on every node. Entry data is never written after it is made (proposal bytes, bytes read from RocksDB or
    /// parsed from a peer message), so views of it stay valid for as long as they are referenced. Reads only the
    /// plain layout (each field in the form the full parse reads the same way); anything else (an unknown
    /// field, a proposer name that is not plain UTF-8, a truncated field) returns false and the full parse
    /// decides, so the result is always what <see cref="EntryBatch.Parser"/> gives.
    /// </summary>
    private static bool TryReadInPlace(ReadOnlyMemory<byte> data, out EntryBatch batch)
    {
        batch = new EntryBatch();
        var span = data.Span;
        var position = 0;
        while (position < span.Length)
        {
            if (!ProtobufVarint.TryRead(span, ref position, out var key))
            {
                return false;
            }

            if (key == VarintKey1)
            {
                if (!ProtobufVarint.TryRead(span, ref position, out var timestamp))
                {
                    return false;
                }

                batch.TimestampUnixMs = (long)timestamp;
                continue;
            }

            if (key is not (BytesKey2 or BytesKey3) || !TryReadLength(span, ref position, out var length))
            {
                return false;
            }

            if (key == BytesKey2)
            {
                if (!TryDecodeUtf8(span.Slice(position, length), out var proposer))
                {
                    return false;
                }

                batch.ProposerNodeId = proposer;
            }
            else
            {
                batch.Transactions.Add(UnsafeByteOperations.UnsafeWrap(data.Slice(position, length)));
            }

            position += length;
        }

        return true;
    }

    /// <summary>
    /// The transaction's fields as views of <paramref name="bytes"/> (themselves a view of a committed entry),
    /// for the plain layout only: envelope, signature and detached items, each at most once and in that order.
    /// Anything else returns false and the full parse decides; canonicality is checked afterwards either way.
    /// </summary>
    private static bool TryReadInPlace(ByteString bytes, out SignedTransaction transaction)
    {
        transaction = new SignedTransaction();
        var data = bytes.Memory;
        var span = data.Span;
        var position = 0;
        ulong previousKey = 0;
        while (position < span.Length)
        {
            if (!ProtobufVarint.TryRead(span, ref position, out var key) || key is not (BytesKey1 or BytesKey2 or BytesKey3) || key <= previousKey
                || !TryReadLength(span, ref position, out var length))
            {
                return false;
            }

            previousKey = key;
            var field = UnsafeByteOperations.UnsafeWrap(data.Slice(position, length));
            switch (key)
            {
                case BytesKey1:
                    transaction.Envelope = field;
                    break;
                case BytesKey2:
                    transaction.Signature = field;
                    break;
                default:
                    transaction.DetachedItems = field;
                    break;
            }

            position += length;
        }

        return true;
    }

    /// <summary>A length prefix that fits in what follows it.</summary>
    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int position, out int length)
    {
        length = 0;
        if (!ProtobufVarint.TryRead(span, ref position, out var value) || value > (ulong)(span.Length - position))
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static DecodedTransaction Wrapped(ByteString bytes, IHashAlgorithm hash, RejectionReason reason, string detail)
    {
        var recorded = new SignedTransaction { Envelope = bytes };
        var transactionHash = TransactionHashing.ComputeHash(hash, recorded);
        return new DecodedTransaction(recorded, transactionHash, null, RegistryTransaction.NotDecodable(transactionHash, reason, detail));
    }

    private static string Bounded(string message) => message.Length <= ProblemDetailCharsMax ? message : message[..ProblemDetailCharsMax];
}

/// <summary>
/// One committed transaction, read: <see cref="Recorded"/> goes into the block under
/// <see cref="TransactionHash"/>. Exactly one of <see cref="Envelope"/> (it can go to the rules) and
/// <see cref="Undecodable"/> (the rules only record its rejection) is set.
/// </summary>
public sealed record DecodedTransaction(SignedTransaction Recorded, byte[] TransactionHash, TransactionEnvelope? Envelope, RegistryTransaction? Undecodable);
