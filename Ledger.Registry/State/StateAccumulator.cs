using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Ledger.Core.Hashing;

namespace Ledger.Registry.State;

/// <summary>
/// Homomorphic multiset hash over the committed (key, value) entries: LtHash16 (Lewi, Kim,
/// Maykov, Weis, "Securing Update Propagation with Homomorphic Hashing", 2019) with 1024 lanes of
/// 16 bits. Adding or removing one entry costs one element expansion and 1024 lane additions,
/// independent of the state size, and the sum does not depend on the order of updates, so the
/// root is a commitment to the current state, not to its history.
/// <para>
/// Element expansion, precisely: SHAKE128 (FIPS 202) with 2048 bytes of output over
/// "ledger/v1/state-entry" || 0x00 || uint32 BE len(key) || key || uint32 BE len(value) || value;
/// the output is read as 1024 uint16 little-endian lanes. The accumulator is the lane-wise sum
/// modulo 2^16 over all committed entries. SHAKE128 is an extendable-output function, which is
/// what LtHash needs; it is used under every suite (one call instead of 64 calls of a 32-byte
/// hash). The root itself is hashed with the suite hash (<see cref="ComputeRoot"/>).
/// </para>
/// </summary>
public sealed class StateAccumulator
{
    public const int LaneCount = 1024;
    public const int SizeBytes = LaneCount * sizeof(ushort);

    private const int HashBytes = 32;
    private static readonly byte[] EntryContext = "ledger/v1/state-entry\0"u8.ToArray();
    private static readonly byte[] RootContext = "ledger/v1/state-root\0"u8.ToArray();

    private readonly IHashAlgorithm hash;
    private readonly ushort[] lanes = new ushort[LaneCount];

    public StateAccumulator(IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.HashSizeBytes != HashBytes)
        {
            throw new ArgumentException($"state accumulator expects a {HashBytes}-byte hash, {hash.Name} has {hash.HashSizeBytes}", nameof(hash));
        }

        if (!Shake128.IsSupported)
        {
            throw new PlatformNotSupportedException("the state accumulator needs SHAKE128 (OpenSSL 1.1.1 or later)");
        }

        this.hash = hash;
    }

    public static StateAccumulator FromBytes(IHashAlgorithm hash, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != SizeBytes)
        {
            throw new ArgumentException($"accumulator encoding must be {SizeBytes} bytes, was {encoded.Length}", nameof(encoded));
        }

        var accumulator = new StateAccumulator(hash);
        for (var lane = 0; lane < LaneCount; lane++)
        {
            accumulator.lanes[lane] = BinaryPrimitives.ReadUInt16LittleEndian(encoded[(lane * 2)..]);
        }

        return accumulator;
    }

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Update(key, value, subtract: false);

    public void Remove(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Update(key, value, subtract: true);

    public byte[] ToBytes()
    {
        var encoded = new byte[SizeBytes];
        for (var lane = 0; lane < LaneCount; lane++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(lane * 2), lanes[lane]);
        }

        return encoded;
    }

    /// <summary>state_root = H("ledger/v1/state-root" || 0x00 || accumulator bytes).</summary>
    public byte[] ComputeRoot()
    {
        var input = new byte[RootContext.Length + SizeBytes];
        RootContext.CopyTo(input, 0);
        ToBytes().CopyTo(input, RootContext.Length);
        var root = new byte[HashBytes];
        hash.Hash(input, root);
        return root;
    }

    private void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool subtract)
    {
        var inputLength = EntryContext.Length + sizeof(uint) + key.Length + sizeof(uint) + value.Length;
        var rented = ArrayPool<byte>.Shared.Rent(inputLength);
        try
        {
            var input = rented.AsSpan(0, inputLength);
            EntryContext.CopyTo(input);
            var offset = EntryContext.Length;
            BinaryPrimitives.WriteUInt32BigEndian(input[offset..], (uint)key.Length);
            offset += sizeof(uint);
            key.CopyTo(input[offset..]);
            offset += key.Length;
            BinaryPrimitives.WriteUInt32BigEndian(input[offset..], (uint)value.Length);
            offset += sizeof(uint);
            value.CopyTo(input[offset..]);

            Span<byte> expanded = stackalloc byte[SizeBytes];
            Shake128.HashData(input, expanded);
            var deltas = MemoryMarshal.Cast<byte, ushort>(expanded);
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("the state accumulator reads lanes as little-endian and assumes a little-endian host");
            }

            if (subtract)
            {
                for (var lane = 0; lane < LaneCount; lane++)
                {
                    lanes[lane] -= deltas[lane];
                }
            }
            else
            {
                for (var lane = 0; lane < LaneCount; lane++)
                {
                    lanes[lane] += deltas[lane];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
