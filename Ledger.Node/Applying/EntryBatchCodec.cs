using System.Buffers;
using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Node.Applying;

/// <summary>
/// Reads the leader's batch out of a committed entry. The leader only ever proposes batches of
/// transactions that passed the door, so a batch that does not parse means a bug or corruption:
/// every node fails identically and loudly rather than building different blocks.
/// </summary>
public static class EntryBatchCodec
{
    public static byte[] Encode(long timestampUnixMs, string proposerNodeId, IReadOnlyList<byte[]> signedTransactions)
    {
        var batch = new EntryBatch { TimestampUnixMs = timestampUnixMs, ProposerNodeId = proposerNodeId };
        foreach (var transaction in signedTransactions)
        {
            batch.Transactions.Add(UnsafeByteOperations.UnsafeWrap(transaction));
        }

        return batch.ToByteArray();
    }

    public static EntryBatch Decode(Entry entry)
    {
        try
        {
            return EntryBatch.Parser.ParseFrom(entry.Data.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CommittedEntryCorruptException(entry, "the entry batch does not parse", e);
        }
    }

    public static SignedTransaction DecodeTransaction(Entry entry, ByteString bytes)
    {
        try
        {
            return SignedTransaction.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CommittedEntryCorruptException(entry, "a transaction in the batch does not parse", e);
        }
    }

    /// <summary>
    /// The transaction hash, straight from the bytes in the batch: the door only lets canonical leaf
    /// encodings in, so these are the bytes the hash is defined over — checked against the canonical
    /// encoding of the parsed fields, in a pooled buffer instead of a new array per transaction.
    /// </summary>
    public static byte[] HashTransaction(Entry entry, ByteString bytes, SignedTransaction parsed, IHashAlgorithm hash)
    {
        var canonical = ArrayPool<byte>.Shared.Rent(bytes.Length);
        try
        {
            if (!TransactionHashing.TryEncodeLeaf(parsed.Envelope.Span, parsed.Signature.Span, canonical, out var written)
                || !bytes.Span.SequenceEqual(canonical.AsSpan(0, written)))
            {
                throw new CommittedEntryCorruptException(entry, "a transaction in the batch is not in canonical form", new InvalidDataException($"{bytes.Length} bytes"));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(canonical);
        }

        var transactionHash = new byte[hash.HashSizeBytes];
        TransactionHashing.ComputeHash(hash, bytes.Span, transactionHash);
        return transactionHash;
    }

    public static TransactionEnvelope DecodeEnvelope(Entry entry, SignedTransaction transaction)
    {
        try
        {
            return TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CommittedEntryCorruptException(entry, "a transaction envelope in the batch does not parse", e);
        }
    }
}

/// <summary>A committed entry cannot be applied: the node stops instead of diverging.</summary>
public sealed class CommittedEntryCorruptException(Entry entry, string problem, Exception inner)
    : Exception($"committed raft entry {entry.Index} (term {entry.Term}) cannot be applied: {problem}", inner);
