using Google.Protobuf;
using Ledger.Core.Crypto;

namespace Ledger.Fuzz.Apply;

/// <summary>Values at and beyond every bound, and values no bound expects: what a mutated body is made of.</summary>
internal static class Hostile
{
    private static readonly string[] Strings =
    [
        "", "a", "alice", "platform-1", "admin-1", "court-1", "node-1",
        new('m', 63), new('m', 64), new('m', 65), new('x', 128), new('x', 129), new('t', 512), new('t', 513),
        new('a', 1024), new('a', 1025), new('a', 5000), new('a', 70_000),
        "bad id!", "with space", "\0\u0001\u007F", "é🙂✓", "\uD800", "\uDFFF\uD800", string.Concat(Enumerable.Repeat("🙂", 101)),
        "../../etc/passwd", "' OR 1=1 --", "\r\n", "p256-sha256", "ed25519", "sm2-sm3",
    ];

    private static readonly long[] Longs = [0, 1, -1, long.MinValue, long.MaxValue, long.MaxValue - 1, int.MaxValue, 1_700_000_000_000, 4_102_444_800_000, -1_700_000_000_000];

    private static readonly uint[] UInts = [0, 1, 2, 3, 4, 255, 256, 257, uint.MaxValue, int.MaxValue];

    private static readonly int[] Enums = [0, 1, 2, 3, 4, 5, 6, 7, 99, -1, int.MaxValue, int.MinValue];

    public static string String(Random random) => Strings[random.Next(Strings.Length)];

    /// <summary>A valid-looking identifier most of the time, a hostile string otherwise.</summary>
    public static string Id(Random random, IReadOnlyList<string> known) =>
        random.Next(3) == 0 || known.Count == 0 ? String(random) : known[random.Next(known.Count)];

    public static long Long(Random random) => random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : Longs[random.Next(Longs.Length)];

    public static uint UInt(Random random) => random.Next(4) == 0 ? (uint)random.NextInt64(0, uint.MaxValue) : UInts[random.Next(UInts.Length)];

    public static TEnum Enum<TEnum>(Random random)
        where TEnum : struct, System.Enum
        => (TEnum)(object)Enums[random.Next(Enums.Length)];

    public static ByteString Bytes(Random random)
    {
        int[] lengths = [0, 1, 31, 32, 33, 35, 36, 37, 64, 65, 300, 5000];
        var bytes = new byte[lengths[random.Next(lengths.Length)]];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>A public key that is wrong in one way (or, sometimes, right): for AddMember, RotateKey, AddNode.</summary>
    public static (string Suite, ByteString Key) Key(Random random, FuzzConsortium consortium)
    {
        var valid = consortium.KeyOf($"hostile-{random.Next(1000)}", 0).Public.ToArray();
        switch (random.Next(10))
        {
            case 0:
                return (CryptoSuites.Ed25519Name, ByteString.CopyFrom(CryptoSuites.Ed25519.ImportPrivateKey(Seed(random)).Public.ToArray()));
            case 1:
                return (String(random), ByteString.CopyFrom(valid));
            case 2:
                valid[^1] ^= 1;
                return (consortium.Suite.Name, ByteString.CopyFrom(valid));
            case 3:
                return (consortium.Suite.Name, ByteString.CopyFrom([0x04, .. new byte[64]]));
            case 4:
                return (consortium.Suite.Name, ByteString.CopyFrom([0x01, .. new byte[31]]));
            case 5:
                return (consortium.Suite.Name, ByteString.CopyFrom(valid[..^1]));
            case 6:
                return (consortium.Suite.Name, Bytes(random));
            case 7:
                return (consortium.Suite.Name, ByteString.CopyFrom([0x04, .. Enumerable.Repeat((byte)0xFF, 64)]));
            default:
                return (consortium.Suite.Name, ByteString.CopyFrom(valid));
        }
    }

    /// <summary>Byte-level damage to an encoded message: flips, overwrites, cuts, inserted garbage, invalid UTF-8 string fields, duplicated fields.</summary>
    public static byte[] Damage(Random random, byte[] bytes)
    {
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Length > 0:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Length > 0:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Length > 0:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 3:
                    // A length-delimited field of invalid UTF-8 under a random field number.
                    byte[] invalidUtf8 = [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80];
                    bytes = [.. bytes, (byte)((random.Next(1, 16) << 3) | 2), (byte)invalidUtf8.Length, .. invalidUtf8];
                    break;
                case 4:
                    // The whole message again: every scalar field repeated (last wins), every list doubled.
                    bytes = [.. bytes, .. bytes];
                    break;
                case 5:
                    // An unknown field, or a varint of ten bytes.
                    bytes = [.. bytes, (byte)((random.Next(16, 30) << 3) | 0), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
                    break;
                default:
                    var garbage = new byte[random.Next(1, 40)];
                    random.NextBytes(garbage);
                    var at = random.Next(bytes.Length + 1);
                    bytes = [.. bytes[..at], .. garbage, .. bytes[at..]];
                    break;
            }
        }

        return bytes;
    }

    private static byte[] Seed(Random random)
    {
        var seed = new byte[32];
        random.NextBytes(seed);
        return seed;
    }
}
