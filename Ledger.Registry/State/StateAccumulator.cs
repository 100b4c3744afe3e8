using System.Buffers;
using System.Buffers.Binary;
using Ledger.Core.Hashing;

namespace Ledger.Registry.State;

/// <summary>
/// Homomorphic multiset hash over the committed (key, value) entries: LtHash16 (Lewi, Kim,
/// Maykov, Weis, "Securing Update Propagation with Homomorphic Hashing", 2019) with 1024 lanes of
/// 16 bits. Adding or removing one entry costs one element expansion (64 suite-hash calls) and
/// 1024 lane additions, independent of the state size, and the sum does not depend on the order
/// of updates, so the root is a commitment to the current state, not to its history.
/// <para>
/// Element expansion, precisely (H = the suite hash, 32-byte output):
/// d = H("ledger/v1/state-entry" || 0x00 || uint32 BE len(key) || key || uint32 BE len(value) || value);
/// block_i = H(d || uint16 BE i) for i = 0..63; the 2048 expanded bytes are read as 1024 uint16
/// little-endian lanes. The accumulator is the lane-wise sum modulo 2^16 over all entries.
/// </para>
/// </summary>
public sealed class StateAccumulator
{
    public const int LaneCount = 1024;
    public const int SizeBytes = LaneCount * sizeof(ushort);

    private const int ExpansionBlockCount = SizeBytes / HashBytes;
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

            Span<byte> blockInput = stackalloc byte[HashBytes + sizeof(ushort)];
            hash.Hash(input, blockInput[..HashBytes]);
            Span<byte> block = stackalloc byte[HashBytes];
            for (var blockIndex = 0; blockIndex < ExpansionBlockCount; blockIndex++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(blockInput[HashBytes..], (ushort)blockIndex);
                hash.Hash(blockInput, block);
                var laneBase = blockIndex * (HashBytes / sizeof(ushort));
                for (var i = 0; i < HashBytes / sizeof(ushort); i++)
                {
                    var delta = BinaryPrimitives.ReadUInt16LittleEndian(block[(i * 2)..]);
                    lanes[laneBase + i] = subtract ? (ushort)(lanes[laneBase + i] - delta) : (ushort)(lanes[laneBase + i] + delta);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
