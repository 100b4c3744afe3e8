using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>
/// The leader's stamp (time, proposer) of an entry's <see cref="EntryBatch"/>, read without parsing its
/// transactions: the encoder writes fields in number order, so the stamp is the first few bytes. Any
/// other layout falls back to a full parse. Used where every replicated entry passes (the follower's
/// check before acknowledging), so it must not copy the batch.
/// </summary>
public readonly record struct EntryStamp(long TimestampUnixMs, string ProposerNodeId)
{
    // Field keys of EntryBatch.timestamp_unix_ms (1, varint) and proposer_node_id (2, length-delimited).
    private const byte TimestampKey = (1 << 3) | 0;
    private const byte ProposerKey = (2 << 3) | 2;

    // Longer proposer ids are read by the full parse (the rules bound ids far below this).
    private const int FastProposerBytesMax = 127;

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
        stamp = default;
        var position = 0;
        long timestamp = 0;
        if (position < data.Length && data[position] == TimestampKey)
        {
            position++;
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (position >= data.Length || shift > 63)
                {
                    return false;
                }

                var b = data[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            timestamp = unchecked((long)value);
        }

        var proposer = "";
        if (position < data.Length && data[position] == ProposerKey)
        {
            position++;
            if (position >= data.Length || data[position] > FastProposerBytesMax)
            {
                return false;
            }

            int length = data[position++];
            if (position + length > data.Length)
            {
                return false;
            }

            proposer = Encoding.UTF8.GetString(data.Slice(position, length));
            position += length;
        }

        // Next comes field 3 (transactions) or nothing; anything else takes the full parse.
        if (position < data.Length && data[position] != ((3 << 3) | 2))
        {
            return false;
        }

        stamp = new EntryStamp(timestamp, proposer);
        return true;
    }
}
