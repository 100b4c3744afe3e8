using System.Buffers.Binary;

namespace Ledger.Consensus;

/// <summary>
/// A single-server membership change (dissertation §4.1): at most one is pending at a time.
/// Carried in a <see cref="EntryType.ConfChange"/> entry as <see cref="Encode"/>d bytes.
/// </summary>
public readonly record struct ConfChange(ConfChangeType Type, ulong NodeId, ReadOnlyMemory<byte> Context)
{
    private const int HeaderBytes = 1 + sizeof(ulong);

    /// <summary>Upper bound on the opaque context carried with a change (e.g. the new node's address).</summary>
    public const int ContextBytesMax = 64 * 1024;

    public ConfChange(ConfChangeType type, ulong nodeId)
        : this(type, nodeId, ReadOnlyMemory<byte>.Empty)
    {
    }

    /// <summary>Layout: type (1 byte), node id (8 bytes, big-endian), context (rest).</summary>
    public byte[] Encode()
    {
        if (Context.Length > ContextBytesMax)
        {
            throw new ArgumentException($"Conf change context is {Context.Length} bytes; the limit is {ContextBytesMax}.");
        }

        var bytes = new byte[HeaderBytes + Context.Length];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1), NodeId);
        Context.Span.CopyTo(bytes.AsSpan(HeaderBytes));
        return bytes;
    }

    public static ConfChange Decode(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length < HeaderBytes)
        {
            throw new FormatException($"Conf change needs at least {HeaderBytes} bytes, got {bytes.Length}.");
        }

        var type = (ConfChangeType)bytes.Span[0];
        if (type is not (ConfChangeType.AddNode or ConfChangeType.RemoveNode or ConfChangeType.AddLearner))
        {
            throw new FormatException($"Unknown conf change type {(byte)type}.");
        }

        var nodeId = BinaryPrimitives.ReadUInt64BigEndian(bytes.Span[1..]);
        return new ConfChange(type, nodeId, bytes[HeaderBytes..]);
    }
}
