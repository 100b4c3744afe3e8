using System.Buffers.Binary;

namespace Ledger.Consensus;

/// <summary>
/// Leader-side ReadIndex requests (dissertation §6.4) in arrival order. Each gets a sequence number
/// that rides on a heartbeat round; a quorum acknowledging sequence s confirms every request up to s,
/// since all of them were registered before that heartbeat left.
/// </summary>
internal sealed class ReadIndexQueue
{
    public const int SequenceBytes = sizeof(ulong);
    private readonly List<PendingRead> pending = [];
    private ulong nextSequence = 1;

    public int Count => pending.Count;

    public PendingRead Add(ulong index, ulong requester, ReadOnlyMemory<byte> context)
    {
        var read = new PendingRead(nextSequence++, index, requester, context);
        pending.Add(read);
        return read;
    }

    public static byte[] EncodeSequence(ulong sequence)
    {
        var bytes = new byte[SequenceBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, sequence);
        return bytes;
    }

    public static bool TryDecodeSequence(ReadOnlyMemory<byte> context, out ulong sequence)
    {
        sequence = 0;
        if (context.Length != SequenceBytes)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt64BigEndian(context.Span);
        return true;
    }

    /// <summary>Records <paramref name="voter"/>'s acknowledgement of <paramref name="sequence"/>; returns the ack count, or 0 if unknown.</summary>
    public int Acknowledge(ulong sequence, ulong voter)
    {
        foreach (var read in pending)
        {
            if (read.Sequence == sequence)
            {
                if (!read.Acks.Contains(voter))
                {
                    read.Acks.Add(voter);
                }

                return read.Acks.Count;
            }
        }

        return 0;
    }

    /// <summary>Removes and returns, in order, every request up to and including <paramref name="sequence"/>.</summary>
    public List<PendingRead> ReleaseThrough(ulong sequence)
    {
        var released = new List<PendingRead>();
        var count = 0;
        while (count < pending.Count && pending[count].Sequence <= sequence)
        {
            released.Add(pending[count]);
            count++;
        }

        pending.RemoveRange(0, count);
        return released;
    }

    public void Clear() => pending.Clear();
}
