using System.Text;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, a blank line, then one or
/// more signature lines "— &lt;key name&gt; &lt;base64(key id || signature)&gt;\n". The text is what
/// every signature covers (its final newline included, the blank line not).
/// <para>
/// Parsing is strict and bounded (<see cref="NoteLimits"/>): valid UTF-8, no control characters
/// other than newline, the text separated from the signatures by the last blank line, every
/// signature line well formed with canonical base64. Any violation throws
/// <see cref="NoteFormatException"/> and nothing else. Parsing verifies no signature: see
/// <see cref="CheckpointVerifier"/>, <see cref="CheckpointSignatures"/> and <see cref="Cosignature"/>.
/// </para>
/// </summary>
public sealed class SignedNote
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly NoteSignature[] signatures;

    public SignedNote(string text, IEnumerable<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signatures);
        CheckText(text);
        this.signatures = signatures.ToArray();
        if (this.signatures.Length is < 1 or > NoteLimits.SignatureLinesMax)
        {
            throw new NoteFormatException($"a signed note has 1-{NoteLimits.SignatureLinesMax} signature lines, this one {this.signatures.Length}");
        }

        Text = text;
        var bytes = StrictUtf8.GetByteCount(Format());
        if (bytes > NoteLimits.NoteBytesMax)
        {
            throw new NoteFormatException($"signed note is {bytes} bytes, more than {NoteLimits.NoteBytesMax}");
        }
    }

    /// <summary>The signed text, ending in a newline.</summary>
    public string Text { get; }

    /// <summary>The signature lines in note order, unverified.</summary>
    public IReadOnlyList<NoteSignature> Signatures => signatures;

    /// <summary>Parses UTF-8 bytes; throws only <see cref="NoteFormatException"/>.</summary>
    public static SignedNote Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > NoteLimits.NoteBytesMax)
        {
            throw new NoteFormatException($"signed note is {utf8.Length} bytes, more than {NoteLimits.NoteBytesMax}");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException exception)
        {
            throw new NoteFormatException("signed note is not valid UTF-8", exception);
        }

        return Parse(text);
    }

    /// <summary>Parses a note; throws only <see cref="NoteFormatException"/>.</summary>
    public static SignedNote Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (note.Length > NoteLimits.NoteBytesMax)
        {
            throw new NoteFormatException($"signed note is longer than {NoteLimits.NoteBytesMax} bytes");
        }

        CheckCharacters(note, "signed note");
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new NoteFormatException("signed note has no blank line between text and signatures");
        }

        var text = note[..(split + 1)];
        var signatureBlock = note[(split + 2)..];
        if (signatureBlock.Length == 0 || signatureBlock[^1] != '\n')
        {
            throw new NoteFormatException("signed note has no signature lines, or its last line does not end in a newline");
        }

        var lines = signatureBlock[..^1].Split('\n');
        if (lines.Length > NoteLimits.SignatureLinesMax)
        {
            throw new NoteFormatException($"signed note has more than {NoteLimits.SignatureLinesMax} signature lines");
        }

        var parsed = new NoteSignature[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(NoteSignature.LinePrefix, StringComparison.Ordinal))
            {
                throw new NoteFormatException($"signature line {i + 1} does not start with an em dash and a space");
            }

            parsed[i] = NoteSignature.ParseLineBody(lines[i][NoteSignature.LinePrefix.Length..], i + 1);
        }

        return new SignedNote(text, parsed);
    }

    /// <summary>The exact note: text, blank line, one line per signature.</summary>
    public string Format()
    {
        var builder = new StringBuilder(Text.Length + 1 + (signatures.Length * 128));
        builder.Append(Text).Append('\n');
        foreach (var signature in signatures)
        {
            builder.Append(signature.FormatLine());
        }

        return builder.ToString();
    }

    public byte[] ToUtf8() => StrictUtf8.GetBytes(Format());

    /// <summary>The note text's UTF-8 bytes: what node signatures and cosignatures sign.</summary>
    public byte[] TextUtf8() => StrictUtf8.GetBytes(Text);

    /// <summary>
    /// This note with <paramref name="signature"/> added; a line with the same key name and key id is
    /// replaced (as Go's note.Sign does), so re-signing never duplicates a key.
    /// </summary>
    public SignedNote WithSignature(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var kept = signatures.Where(s => !(string.Equals(s.KeyName, signature.KeyName, StringComparison.Ordinal) && s.KeyId == signature.KeyId));
        return new SignedNote(Text, kept.Append(signature));
    }

    /// <summary>Signature lines with this key name and id (a note may repeat one; verifiers check each).</summary>
    public IEnumerable<NoteSignature> SignaturesBy(string keyName, uint keyId) =>
        signatures.Where(s => s.KeyId == keyId && string.Equals(s.KeyName, keyName, StringComparison.Ordinal));

    internal static void CheckText(string text)
    {
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new NoteFormatException("note text must be non-empty and end in a newline");
        }

        CheckCharacters(text, "note text");
    }

    private static void CheckCharacters(string value, string what)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x20 && c != '\n')
            {
                throw new NoteFormatException($"{what} contains control character U+{(int)c:X4} at offset {i}");
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new NoteFormatException($"{what} is not valid UTF-8 (lone surrogate at offset {i})");
            }
        }
    }
}
