using System.Text;

namespace Ledger.Fuzz.Batches;

/// <summary>
/// Byte-level mutations of a text file read from outside (a manifest, a journal file): flips, inserts,
/// deletions, duplications, truncation, and tokens that matter to the readers (separators, line ends,
/// a UTF-8 byte order mark, invalid UTF-8, NUL, digits at number bounds, long runs without a line end).
/// </summary>
public static class ByteMutations
{
    /// <summary>The longest run a mutation inserts: past every line and header bound, small enough to keep runs fast.</summary>
    public const int LongRunBytesMax = 3 * 1024 * 1024;

    private static readonly byte[][] Tokens =
    [
        "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\r"u8.ToArray(), ","u8.ToArray(), ",,"u8.ToArray(), "#"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(),
        [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], "\u00e9"u8.ToArray(), "\U0001F600"u8.ToArray(),
        "item_id"u8.ToArray(), "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "null"u8.ToArray(), "-1"u8.ToArray(), "0"u8.ToArray(),
        "2147483647"u8.ToArray(), "2147483648"u8.ToArray(), "9223372036854775807"u8.ToArray(), "1e309"u8.ToArray(),
        Encoding.ASCII.GetBytes(new string('a', 64)), Encoding.ASCII.GetBytes(new string('f', 64)), Encoding.ASCII.GetBytes(new string('0', 16)),
        Encoding.ASCII.GetBytes(new string('x', 65)),
    ];

    /// <summary>One to four mutations of <paramref name="input"/>; <paramref name="what"/> says which.</summary>
    public static byte[] Mutate(byte[] input, Random random, out string what)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = new List<byte>(input);
        var done = new List<string>();
        var rounds = 1 + random.Next(4);
        for (var round = 0; round < rounds; round++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count + 1);
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    var flip = Math.Min(at, bytes.Count - 1);
                    bytes[flip] ^= (byte)(1 << random.Next(8));
                    done.Add($"flip@{flip}");
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    done.Add($"insert@{at}");
                    break;
                case 2 when bytes.Count > 0:
                    var start = Math.Min(at, bytes.Count - 1);
                    var length = Math.Min(bytes.Count - start, 1 + random.Next(16));
                    bytes.RemoveRange(start, length);
                    done.Add($"delete@{start}+{length}");
                    break;
                case 3 when bytes.Count > 0:
                    var from = random.Next(bytes.Count);
                    var span = bytes.GetRange(from, Math.Min(bytes.Count - from, 1 + random.Next(128)));
                    bytes.InsertRange(at, span);
                    done.Add($"duplicate@{from}+{span.Count}->{at}");
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    done.Add($"truncate@{at}");
                    break;
                case 5:
                    // A long run without a line end: every reader must refuse it without holding it.
                    var run = random.Next(4) == 0 ? LongRunBytesMax : 4000 + random.Next(200);
                    bytes.InsertRange(at, Enumerable.Repeat((byte)"ax7,"[random.Next(4)], run));
                    done.Add($"run{run}@{at}");
                    break;
                default:
                    var token = Tokens[random.Next(Tokens.Length)];
                    bytes.InsertRange(at, token);
                    done.Add($"token[{Convert.ToHexStringLower(token.AsSpan(0, Math.Min(token.Length, 8)))}]@{at}");
                    break;
            }
        }

        what = string.Join(' ', done);
        return [.. bytes];
    }
}
