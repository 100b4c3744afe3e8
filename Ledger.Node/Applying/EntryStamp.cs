using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>
/// The leader's stamp (time, proposer) of an entry's <see cref="EntryBatch"/>, read without copying its
/// transactions (their fields are skipped by length): used where every replicated entry passes (the
/// follower's check before acknowledging). Reads what the full parse reads, whatever the field order;
/// anything it does not expect (unknown fields) falls back to that parse.
/// </summary>
public readonly record struct EntryStamp(long TimestampUnixMs, string ProposerNodeId)
{
    // Field keys of EntryBatch.timestamp_unix_ms (1, varint), proposer_node_id (2) and transactions (3, length-delimited).
    private const ulong TimestampKey = (1 << 3) | 0;
    private const ulong ProposerKey = (2 << 3) | 2;
    private const ulong TransactionsKey = (3 << 3) | 2;

    /// <summary>False when the data is not an entry batch (the rules decide what to do with it).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out EntryStamp stamp)
    {
        if (TryReadFast(data, out stamp))
        {
            return true;
        }

        try
        {
            var batch = EntryBatch.Parser.ParseFrom(data);
            stamp = new EntryStamp(batch.TimestampUnixMs, batch.ProposerNodeId);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            stamp = default;
            return false;
        }
    }

    private static bool TryReadFast(ReadOnlySpan<byte> data, out EntryStamp stamp)
    {
        // Every field is walked (skipping the transactions by their lengths): a repeated field counts
        // last, as in the full parse that apply uses, so a leader cannot show followers another stamp.
        stamp = default;
        long timestamp = 0;
        var proposer = ReadOnlySpan<byte>.Empty;
        var position = 0;
        while (position < data.Length)
        {
            if (!ProtobufVarint.TryRead(data, ref position, out var key))
            {
                return false;
            }

            switch (key)
            {
                case TimestampKey:
                    if (!ProtobufVarint.TryRead(data, ref position, out var value))
                    {
                        return false;
                    }

                    timestamp = unchecked((long)value);
                    break;
                case ProposerKey or TransactionsKey:
                    if (!ProtobufVarint.TryRead(data, ref position, out var length) || length > (ulong)(data.Length - position))
                    {
                        return false;
                    }

                    if (key == ProposerKey)
                    {
                        proposer = data.Slice(position, (int)length);
                    }

                    position += (int)length;
                    break;
                default:
                    // Unknown fields: the full parse decides.
                    return false;
            }
        }

        stamp = new EntryStamp(timestamp, Encoding.UTF8.GetString(proposer));
        return true;
    }
}
