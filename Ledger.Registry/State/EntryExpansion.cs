using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Ledger.Core.Hashing;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace Ledger.Registry.State;

/// <summary>
/// The LtHash element of one state entry: 2048 pseudorandom bytes derived from the entry.
/// <code>
/// seed   = SHA-256("ledger/v1/state-entry" || 0x00 || u32be len(key) || key || u32be len(value) || value)
/// output = AES-128-CTR keystream, key = seed[0..16], counter block i = seed[16..28] || u32be i, i = 0..127
/// </code>
/// i.e. SHA-256 compresses the entry and AES-128 in counter mode (SP 800-38A, a 32-bit block
/// counter as in GCM) stretches the digest. It replaced SHAKE128 to 2048 bytes, which cost about
/// 6 µs per entry through OpenSSL; with AES-NI this costs about 1 µs. Where the processor has no
/// AES instructions the same keystream comes from the platform AES (slower, identical bytes).
/// </summary>
internal static class EntryExpansion
{
    public const int OutputBytes = 2048;
    public const int SeedBytes = 32;

    private const int BlockBytes = 16;
    private const int Blocks = OutputBytes / BlockBytes;
    private const int RoundKeys = 11;
    private const int CounterOffset = 12;

    private static readonly byte[] EntryContext = "ledger/v1/state-entry\0"u8.ToArray();

    /// <summary>Whether the AES-NI path is used (else the platform AES, same output).</summary>
    public static bool IsAccelerated => X86Aes.IsSupported && X86Sse2.IsSupported;

    /// <summary>The entry's seed (the SHA-256 above).</summary>
    public static void Seed(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Span<byte> seed)
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
            // Small entries (every RegisterWork's) through OpenSSL's low-level SHA-256, ~0.15 µs;
            // .NET's hash objects go through the EVP layer, which resolves the algorithm and
            // clears the error queue on every digest (~7 % of the applying thread in a profile).
            // Same function (Sha256HashAlgorithm self-tests that path against the platform's).
            Sha256HashAlgorithm.Instance.Hash(input, seed[..SeedBytes]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the 2048-byte element of <paramref name="seed"/> into <paramref name="output"/>.</summary>
    public static void Expand(ReadOnlySpan<byte> seed, Span<byte> output)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"seed must be {SeedBytes} bytes, was {seed.Length}", nameof(seed));
        }

        if (output.Length != OutputBytes)
        {
            throw new ArgumentException($"output must be {OutputBytes} bytes, was {output.Length}", nameof(output));
        }

        if (IsAccelerated)
        {
            ExpandAccelerated(seed, output);
        }
        else
        {
            ExpandPortable(seed, output);
        }
    }

    /// <summary>The platform-AES form of <see cref="Expand"/> (also the cross-check in tests).</summary>
    internal static void ExpandPortable(ReadOnlySpan<byte> seed, Span<byte> output)
    {
        Span<byte> counters = stackalloc byte[OutputBytes];
        WriteCounterBlocks(seed, counters);
        using var aes = Aes.Create();
        aes.Key = seed[..BlockBytes].ToArray();
        aes.EncryptEcb(counters, output, PaddingMode.None);
    }

    private static void WriteCounterBlocks(ReadOnlySpan<byte> seed, Span<byte> counters)
    {
        for (var block = 0; block < Blocks; block++)
        {
            var counter = counters.Slice(block * BlockBytes, BlockBytes);
            seed.Slice(BlockBytes, CounterOffset).CopyTo(counter);
            BinaryPrimitives.WriteUInt32BigEndian(counter[CounterOffset..], (uint)block);
        }
    }

    private static void ExpandAccelerated(ReadOnlySpan<byte> seed, Span<byte> output)
    {
        var roundKeys = new RoundKeySchedule();
        var k = Vector128.Create(seed[..BlockBytes]);
        roundKeys[0] = k;
        roundKeys[1] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x01));
        roundKeys[2] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x02));
        roundKeys[3] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x04));
        roundKeys[4] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x08));
        roundKeys[5] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x10));
        roundKeys[6] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x20));
        roundKeys[7] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x40));
        roundKeys[8] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x80));
        roundKeys[9] = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x1B));
        roundKeys[10] = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x36));

        Span<byte> counterBytes = stackalloc byte[BlockBytes];
        seed.Slice(BlockBytes, CounterOffset).CopyTo(counterBytes);
        var nonce = Vector128.Create((ReadOnlySpan<byte>)counterBytes).AsUInt32();
        // Eight independent blocks per step: AESENC has a latency of about 4 cycles and recent
        // x64 cores issue one or two per cycle, so four in flight left the AES units half idle.
        for (var block = 0; block < Blocks; block += 8)
        {
            var b0 = WithCounter(nonce, (uint)block).AsByte() ^ roundKeys[0];
            var b1 = WithCounter(nonce, (uint)block + 1).AsByte() ^ roundKeys[0];
            var b2 = WithCounter(nonce, (uint)block + 2).AsByte() ^ roundKeys[0];
            var b3 = WithCounter(nonce, (uint)block + 3).AsByte() ^ roundKeys[0];
            var b4 = WithCounter(nonce, (uint)block + 4).AsByte() ^ roundKeys[0];
            var b5 = WithCounter(nonce, (uint)block + 5).AsByte() ^ roundKeys[0];
            var b6 = WithCounter(nonce, (uint)block + 6).AsByte() ^ roundKeys[0];
            var b7 = WithCounter(nonce, (uint)block + 7).AsByte() ^ roundKeys[0];
            for (var round = 1; round < RoundKeys - 1; round++)
            {
                var roundKey = roundKeys[round];
                b0 = X86Aes.Encrypt(b0, roundKey);
                b1 = X86Aes.Encrypt(b1, roundKey);
                b2 = X86Aes.Encrypt(b2, roundKey);
                b3 = X86Aes.Encrypt(b3, roundKey);
                b4 = X86Aes.Encrypt(b4, roundKey);
                b5 = X86Aes.Encrypt(b5, roundKey);
                b6 = X86Aes.Encrypt(b6, roundKey);
                b7 = X86Aes.Encrypt(b7, roundKey);
            }

            var last = roundKeys[RoundKeys - 1];
            X86Aes.EncryptLast(b0, last).CopyTo(output[(block * BlockBytes)..]);
            X86Aes.EncryptLast(b1, last).CopyTo(output[((block + 1) * BlockBytes)..]);
            X86Aes.EncryptLast(b2, last).CopyTo(output[((block + 2) * BlockBytes)..]);
            X86Aes.EncryptLast(b3, last).CopyTo(output[((block + 3) * BlockBytes)..]);
            X86Aes.EncryptLast(b4, last).CopyTo(output[((block + 4) * BlockBytes)..]);
            X86Aes.EncryptLast(b5, last).CopyTo(output[((block + 5) * BlockBytes)..]);
            X86Aes.EncryptLast(b6, last).CopyTo(output[((block + 6) * BlockBytes)..]);
            X86Aes.EncryptLast(b7, last).CopyTo(output[((block + 7) * BlockBytes)..]);
        }
    }

    // The last 32-bit word of the counter block is the big-endian block number.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> WithCounter(Vector128<uint> nonce, uint block) =>
        nonce.WithElement(3, BinaryPrimitives.ReverseEndianness(block));

    // FIPS 197 key expansion step for AES-128 (the usual AESKEYGENASSIST sequence).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = X86Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }

    [InlineArray(RoundKeys)]
    private struct RoundKeySchedule
    {
        private Vector128<byte> first;
    }
}
