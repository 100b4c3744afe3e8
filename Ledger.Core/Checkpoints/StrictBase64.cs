namespace Ledger.Core.Checkpoints;

/// <summary>
/// Standard base64 (RFC 4648 §4) read strictly: only the canonical encoding of the decoded bytes is
/// accepted, so no whitespace, no missing padding, no stray bits. .NET's decoder skips whitespace,
/// which would let two different lines carry one signature.
/// </summary>
internal static class StrictBase64
{
    public static byte[] Decode(string text, int decodedBytesMax, string what)
    {
        if (text.Length == 0 || text.Length > ((decodedBytesMax + 2) / 3 * 4))
        {
            throw new NoteFormatException($"{what}: base64 is empty or longer than {decodedBytesMax} bytes decode to");
        }

        var buffer = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            throw new NoteFormatException($"{what}: not valid base64");
        }

        var decoded = buffer.AsSpan(0, written).ToArray();
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            throw new NoteFormatException($"{what}: not the canonical base64 encoding");
        }

        return decoded;
    }
}
