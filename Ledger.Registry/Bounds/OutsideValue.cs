using System.Text;

namespace Ledger.Registry.Bounds;

/// <summary>
/// Renders a value a member sent for a rejection reason, bounded by construction: a short value is
/// quoted as is, a long one is cut and its UTF-8 length given ("'aaaa…' (5000 bytes)"). Reasons are
/// recorded in the chain, so an unbounded echo of input would let one transaction make its own
/// result too long to encode. Use this for every outside string a reason mentions.
/// </summary>
public static class OutsideValue
{
    /// <summary>UTF-16 characters of an outside value a reason shows before cutting it.</summary>
    public const int ShownCharsMax = 48;

    /// <summary>Upper bound of the UTF-8 length of what <see cref="Quote"/> returns.</summary>
    public const int QuotedBytesMax = (ShownCharsMax * 3) + 32;

    /// <summary>The value quoted, or its first characters, an ellipsis and its UTF-8 length.</summary>
    public static string Quote(string? value)
    {
        value ??= "";
        if (value.Length <= ShownCharsMax)
        {
            return $"'{value}'";
        }

        return $"'{Prefix(value, ShownCharsMax)}…' ({Encoding.UTF8.GetByteCount(value)} bytes)";
    }

    /// <summary>
    /// The longest prefix of at most <paramref name="charsMax"/> UTF-16 units that does not end
    /// between the two halves of a surrogate pair (so it encodes the same way as in the original).
    /// </summary>
    public static string Prefix(string value, int charsMax)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= charsMax)
        {
            return value;
        }

        var length = charsMax;
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="bytesMax"/> UTF-8 bytes (encoded the way
    /// <see cref="Encoding.UTF8"/> encodes, lone surrogates as U+FFFD), never inside a character;
    /// a cut text ends with "…". The same input gives the same output on every replica.
    /// </summary>
    public static string CutToUtf8Bytes(string text, int bytesMax)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesMax, EllipsisBytes);

        // UTF-8 needs at most 3 bytes per UTF-16 unit: most texts need no counting.
        if (text.Length * 3 <= bytesMax || Encoding.UTF8.GetByteCount(text) <= bytesMax)
        {
            return text;
        }

        var budget = bytesMax - EllipsisBytes;
        var used = 0;
        var end = 0;
        while (end < text.Length)
        {
            var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            var bytes = width == 2 ? 4 : Utf8BytesOf(text[end]);
            if (used + bytes > budget)
            {
                break;
            }

            used += bytes;
            end += width;
        }

        return string.Concat(text.AsSpan(0, end), Ellipsis);
    }

    private const string Ellipsis = "…";

    private const int EllipsisBytes = 3;

    // A lone surrogate is encoded as U+FFFD, three bytes.
    private static int Utf8BytesOf(char c) => c switch
    {
        < '\u0080' => 1,
        < '\u0800' => 2,
        _ => 3,
    };
}
