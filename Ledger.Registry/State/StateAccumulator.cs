using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Ledger.Core.Hashing;

namespace Ledger.Registry.State;

/// <summary>
/// Homomorphic multiset hash over the committed (key, value) entries: LtHash16 (Lewi, Kim,
/// Maykov, Weis, "Securing Update Propagation with Homomorphic Hashing", 2019) with 1024 lanes of
/// 16 bits. Adding or removing one entry costs one element expansion and 1024 lane additions,
/// independent of the state size, and the sum does not depend on the order of updates, so the
/// root is a commitment to the current state, not to its history.
/// <para>
/// Element expansion (<see cref="EntryExpansion"/>): SHA-256 over
/// "ledger/v1/state-entry" || 0x00 || uint32 BE len(key) || key || uint32 BE len(value) || value
/// gives a 32-byte seed; AES-128-CTR keyed by its first 16 bytes, with counter blocks
/// seed[16..28] || uint32 BE i, gives 2048 bytes, read as 1024 uint16 little-endian lanes. The
/// accumulator is the lane-wise sum modulo 2^16 over all committed entries. The expansion is the
/// same under every suite; the root itself is hashed with the suite hash (<see cref="ComputeRoot"/>).
/// </para>
/// </summary>
public sealed class StateAccumulator
{
    public const int LaneCount = 1024;
    public const int SizeBytes = LaneCount * sizeof(ushort);

    private const int HashBytes = 32;
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

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the state accumulator reads lanes as little-endian and assumes a little-endian host");
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

    /// <summary>Adds another accumulator's lanes (partial sums computed apart, e.g. on other threads).</summary>
    public void Merge(StateAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        AddLanes(lanes, MemoryMarshal.AsBytes(other.lanes.AsSpan()));
    }

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

    private static void AddLanes(Span<ushort> target, ReadOnlySpan<byte> deltaBytes)
    {
        var deltas = MemoryMarshal.Cast<byte, ushort>(deltaBytes);
        var width = Vector<ushort>.Count;
        for (var lane = 0; lane < LaneCount; lane += width)
        {
            (new Vector<ushort>(target[lane..]) + new Vector<ushort>(deltas[lane..])).CopyTo(target[lane..]);
        }
    }

    private static void SubtractLanes(Span<ushort> target, ReadOnlySpan<byte> deltaBytes)
    {
        var deltas = MemoryMarshal.Cast<byte, ushort>(deltaBytes);
        var width = Vector<ushort>.Count;
        for (var lane = 0; lane < LaneCount; lane += width)
        {
            (new Vector<ushort>(target[lane..]) - new Vector<ushort>(deltas[lane..])).CopyTo(target[lane..]);
        }
    }

    private void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool subtract)
    {
        Span<byte> seed = stackalloc byte[EntryExpansion.SeedBytes];
        EntryExpansion.Seed(key, value, seed);
        Span<byte> expanded = stackalloc byte[EntryExpansion.OutputBytes];
        EntryExpansion.Expand(seed, expanded);
        if (subtract)
        {
            SubtractLanes(lanes, expanded);
        }
        else
        {
            AddLanes(lanes, expanded);
        }
    }
}
