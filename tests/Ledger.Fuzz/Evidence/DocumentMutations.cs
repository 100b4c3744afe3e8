using System.Text;
using System.Text.Json;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// Whole-document and byte-level mutations: whitespace, a byte order mark, trailing bytes, member
/// order, UTF-16; and bit flips, byte overwrites, insertions, deletions and truncation anywhere in the file.
/// </summary>
public static class DocumentMutations
{
    private static readonly byte[] OddBytes = [0x00, 0xFF, 0x80, 0xC0, (byte)'"', (byte)'\\', (byte)',', (byte)'{', (byte)']', (byte)' ', (byte)'0', (byte)'A'];

    public static (byte[] Bytes, string What) Mutate(byte[] document, Random random)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(random);
        switch (random.Next(10))
        {
            case 0:
                return (Reformatted(document, indented: true, reverse: false) ?? document, "indented");
            case 1:
                return (Reformatted(document, indented: false, reverse: true) ?? document, "members in reverse order");
            case 2:
                return ([0xEF, 0xBB, 0xBF, .. document], "UTF-8 byte order mark");
            case 3:
                return ([.. document, (byte)'\n'], "trailing newline");
            case 4:
                return ([.. document, (byte)'x'], "trailing garbage");
            case 5:
                return ([(byte)' ', (byte)'\t', .. document], "leading whitespace");
            case 6:
                return (Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(document)), "UTF-16");
            case 7:
                return ([.. document, .. document], "document twice");
            case 8:
                return ("null"u8.ToArray(), "null document");
            default:
                return ([], "empty document");
        }
    }

    public static (byte[] Bytes, string What) MutateBytes(byte[] document, Random random)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(random);
        if (document.Length == 0)
        {
            return ("{}"u8.ToArray(), "empty file became {}");
        }

        var at = random.Next(document.Length);
        var bytes = (byte[])document.Clone();
        switch (random.Next(5))
        {
            case 0:
                var bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                return (bytes, $"bit {bit} of byte {at} flipped");
            case 1:
                bytes[at] = OddBytes[random.Next(OddBytes.Length)];
                return (bytes, $"byte {at} = 0x{bytes[at]:x2}");
            case 2:
                return ([.. document.AsSpan(0, at), .. document.AsSpan(at + 1)], $"byte {at} deleted");
            case 3:
                var inserted = OddBytes[random.Next(OddBytes.Length)];
                return ([.. document.AsSpan(0, at), inserted, .. document.AsSpan(at)], $"0x{inserted:x2} inserted at {at}");
            default:
                return (document[..at], $"truncated to {at} bytes");
        }
    }

    private static byte[]? Reformatted(byte[] document, bool indented, bool reverse)
    {
        var node = JsonMutations.TryParseObject(document);
        if (node is null)
        {
            return null;
        }

        if (reverse)
        {
            var members = node.ToList();
            node.Clear();
            foreach (var (name, value) in Enumerable.Reverse(members))
            {
                node[name] = value;
            }
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
