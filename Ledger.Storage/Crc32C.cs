using System.Buffers.Binary;
using System.Numerics;

namespace Ledger.Storage;

/// <summary>
/// CRC-32C (Castagnoli), as RFC 3720 defines it (initial value and final XOR all ones), computed by
/// the CPU (SSE4.2 / ARMv8 CRC, through <see cref="BitOperations.Crc32C(uint, ulong)"/>). It is the
/// checksum RocksDB uses for its own files; ours travel inside values (Raft records, transaction
/// records), where RocksDB's checksums do not reach: a bug, a misdirected write or memory damage
/// hands back a value RocksDB believes intact. <see cref="Append"/> continues a running checksum,
/// so a record's checksum can cover the key it is stored under without copying key and value together.
/// </summary>
internal static class Crc32C
{
    /// <summary>The running state before any byte.</summary>
    public const uint Initial = uint.MaxValue;

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    /// <summary>The running state after <paramref name="data"/> follows what <paramref name="state"/> covered.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var value in data)
        {
            state = BitOperations.Crc32C(state, value);
        }

        return state;
    }

    /// <summary>The checksum of everything appended to <paramref name="state"/>.</summary>
    public static uint Finish(uint state) => ~state;
}
