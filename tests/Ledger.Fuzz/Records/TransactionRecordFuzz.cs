using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;

namespace Ledger.Fuzz.Records;

/// <summary>
/// The per-transaction block record (<see cref="TransactionRecord"/>, format 7) from a damaged disk
/// or a buggy writer. Each case writes a generated record for a generated key, checks it reads back
/// as written, then reads one damaged copy. Properties:
/// <list type="bullet">
/// <item>Damage the checksum is guaranteed to catch — any single flipped bit, any burst of at most
/// 32 bits, a record read under a key with another position — is refused.</item>
/// <item>Whatever the bytes (also content re-sealed with a valid checksum, as a writer bug would leave
/// it, and records shorter than their prefix), a read either returns a transaction and a result or
/// throws <see cref="StorageCorruptionException"/> naming the height, in one bounded line; nothing else.</item>
/// </list>
/// </summary>
public static class TransactionRecordFuzz
{
    public static RecordFuzzOutcome Check(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var height = random.Next(4) == 0 ? (ulong)random.NextInt64() : (ulong)random.Next(1, 1000);
        var position = random.Next(4) == 0 ? (uint)random.NextInt64(uint.MaxValue + 1L) : (uint)random.Next(100);
        var transaction = Transaction(random);
        var result = Result(random);
        var key = BlockKeys.TransactionKey(height, position);
        var record = new byte[TransactionRecord.Length(transaction, result, out var transactionBytes)];
        TransactionRecord.Write(record, key, transaction, transactionBytes, result);

        var (readTransaction, readResult) = TransactionRecord.Read(key, record, height, position);
        if (!readTransaction.Equals(transaction) || !readResult.Equals(result))
        {
            return RecordFuzzOutcome.Finding($"a record written for block {height} position {position} reads back as something else");
        }

        switch (random.Next(6))
        {
            case 0:
                var bit = random.Next(record.Length * 8);
                record[bit / 8] ^= (byte)(1 << (bit % 8));
                return MustRefuse(key, record, height, position, $"bit {bit} flipped");
            case 1:
                var length = 1 + random.Next(4);
                var at = random.Next(Math.Max(1, record.Length - length + 1));
                var changed = false;
                for (var i = at; i < Math.Min(record.Length, at + length); i++)
                {
                    var value = (byte)random.Next(256);
                    changed |= value != record[i];
                    record[i] = value;
                }

                return changed ? MustRefuse(key, record, height, position, $"burst of {length} bytes at {at}") : RecordFuzzOutcome.Accepted("burst changed nothing");
            case 2:
                var otherPosition = position ^ (uint)(1 + random.Next(int.MaxValue));
                return MustRefuse(BlockKeys.TransactionKey(height, otherPosition), record, height, otherPosition, $"read under position {otherPosition} instead of {position}");
            case 3:
                return MustRefuse(key, record.AsSpan(0, random.Next(record.Length)).ToArray(), height, position, "truncated");
            case 4:
                return ReadAnyhow(key, random.Next(2) == 0 ? record.AsSpan(0, random.Next(TransactionRecord.PrefixBytes)).ToArray() : Resealed(key, record, random), height, position);
            default:
                return ReadAnyhow(key, Resealed(key, record, random), height, position);
        }
    }

    /// <summary>A transaction as the log holds it: an envelope, a signature and, for a batch, detached items with SHA-256 and SM3 hashes.</summary>
    private static SignedTransaction Transaction(Random random)
    {
        var transaction = new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(Bytes(random, random.Next(400))),
            Signature = ByteString.CopyFrom(Bytes(random, 64 + random.Next(9))),
        };
        if (random.Next(3) == 0)
        {
            var items = new BatchItems();
            for (var i = random.Next(1, 20); i > 0; i--)
            {
                items.Items.Add(ContentHashFieldFuzz.Item(random));
            }

            transaction.DetachedItems = items.ToByteString();
        }

        return transaction;
    }

    private static TransactionResult Result(Random random)
    {
        var result = new TransactionResult { Code = random.Next(2) == 0 ? ResultCode.Ok : ResultCode.Rejected, Reason = random.Next(2) == 0 ? "" : "reason " + random.Next() };
        if (random.Next(3) == 0)
        {
            result.ReferenceTxHash = ByteString.CopyFrom(Bytes(random, 32));
        }

        if (random.Next(3) == 0)
        {
            result.ItemOutcomesRoot = ByteString.CopyFrom(Bytes(random, 32));
        }

        return result;
    }

    /// <summary>The record's content after its checksum, mutated, under a checksum valid for the key: a writer bug, not a disk.</summary>
    private static byte[] Resealed(byte[] key, byte[] record, Random random)
    {
        var content = record.AsSpan(TransactionRecord.ChecksumBytes).ToArray();
        var mutated = random.Next(3) switch
        {
            // The transaction length field: 0, past the end, near uint.MaxValue, or random.
            0 => WithLength(content, random.Next(4) switch { 0 => 0u, 1 => (uint)content.Length, 2 => uint.MaxValue - (uint)random.Next(16), _ => (uint)random.NextInt64(uint.MaxValue + 1L) }),
            1 => Batches.ByteMutations.Mutate(content, random, out _),
            _ => Bytes(random, random.Next(64)),
        };
        var sealedRecord = new byte[TransactionRecord.ChecksumBytes + mutated.Length];
        mutated.CopyTo(sealedRecord, TransactionRecord.ChecksumBytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(sealedRecord, Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Initial, key), mutated)));
        return sealedRecord;
    }

    private static byte[] WithLength(byte[] content, uint length)
    {
        if (content.Length >= sizeof(uint))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(content, length);
        }

        return content;
    }

    private static RecordFuzzOutcome MustRefuse(byte[] key, byte[] record, ulong height, uint position, string damage)
    {
        var outcome = ReadAnyhow(key, record, height, position);
        return outcome.Kind == "accepted" ? RecordFuzzOutcome.Finding($"damage the checksum must catch ({damage}) read back as a valid record") : outcome;
    }

    private static RecordFuzzOutcome ReadAnyhow(byte[] key, byte[] record, ulong height, uint position)
    {
        try
        {
            TransactionRecord.Read(key, record, height, position);
            return RecordFuzzOutcome.Accepted("read");
        }
        catch (StorageCorruptionException corruption)
        {
            if (corruption.Height != height || !corruption.Message.Contains($"block {height}", StringComparison.Ordinal))
            {
                return RecordFuzzOutcome.Finding($"corruption report does not name block {height}: {corruption.Message}");
            }

            return RecordFuzzOutcome.Refused(corruption.Message);
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
