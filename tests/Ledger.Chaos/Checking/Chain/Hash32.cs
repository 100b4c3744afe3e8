using System.Buffers.Binary;

namespace Ledger.Chaos.Checking.Chain;

/// <summary>A 32-byte hash (a transaction hash, a block digest) as a value (a million of them fit in tens of megabytes, unlike strings).</summary>
internal readonly record struct Hash32(UInt128 High, UInt128 Low)
{
    public const int HashBytes = 32;

    public static Hash32 From(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashBytes)
        {
            throw new ArgumentException($"hashes here are {HashBytes} bytes, got {hash.Length}", nameof(hash));
        }

        return new Hash32(BinaryPrimitives.ReadUInt128BigEndian(hash), BinaryPrimitives.ReadUInt128BigEndian(hash[16..]));
    }

    public static bool TryParse(string? hex, out Hash32 key)
    {
        key = default;
        if (hex is null || hex.Length != 2 * HashBytes)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[HashBytes];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashBytes)
        {
            return false;
        }

        key = From(bytes);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[HashBytes];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt128BigEndian(bytes[16..], Low);
        return Convert.ToHexStringLower(bytes);
    }
}
