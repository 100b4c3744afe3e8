using System.Buffers.Binary;

namespace Ledger.Core.Blocks;

/// <summary>
/// Sequential big-endian writer over a caller's span. Every write returns false, and leaves the
/// position unchanged, when the value does not fit; nothing is ever written past the end.
/// </summary>
internal ref struct CanonicalWriter
{
    private readonly Span<byte> buffer;

    public CanonicalWriter(Span<byte> buffer)
    {
        this.buffer = buffer;
        Position = 0;
    }

    public int Position { get; private set; }

    public bool TryWriteBytes(scoped ReadOnlySpan<byte> value)
    {
        if (!value.TryCopyTo(buffer[Position..]))
        {
            return false;
        }

        Position += value.Length;
        return true;
    }

    public bool TryWriteUInt16(ushort value)
    {
        if (!BinaryPrimitives.TryWriteUInt16BigEndian(buffer[Position..], value))
        {
            return false;
        }

        Position += sizeof(ushort);
        return true;
    }

    public bool TryWriteUInt32(uint value)
    {
        if (!BinaryPrimitives.TryWriteUInt32BigEndian(buffer[Position..], value))
        {
            return false;
        }

        Position += sizeof(uint);
        return true;
    }

    public bool TryWriteUInt64(ulong value)
    {
        if (!BinaryPrimitives.TryWriteUInt64BigEndian(buffer[Position..], value))
        {
            return false;
        }

        Position += sizeof(ulong);
        return true;
    }

    public bool TryWriteInt64(long value)
    {
        if (!BinaryPrimitives.TryWriteInt64BigEndian(buffer[Position..], value))
        {
            return false;
        }

        Position += sizeof(long);
        return true;
    }

    /// <summary>uint16 big-endian length, then the bytes; the caller has checked the length fits a uint16.</summary>
    public bool TryWriteLengthPrefixed(scoped ReadOnlySpan<byte> value)
    {
        if (buffer.Length - Position < sizeof(ushort) + value.Length)
        {
            return false;
        }

        TryWriteUInt16(checked((ushort)value.Length));
        TryWriteBytes(value);
        return true;
    }
}
