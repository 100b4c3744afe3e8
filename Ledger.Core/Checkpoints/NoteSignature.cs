using System.Buffers.Binary;
using System.Text;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// One signature line of a signed note: "— &lt;key name&gt; &lt;base64(key id || signature)&gt;\n".
/// The key id is the uint32 stored big-endian in the first four decoded bytes; <see cref="Signature"/>
/// is everything after it, in the format its signature type defines (not checked here).
/// </summary>
public sealed class NoteSignature
{
    /// <summary>The em dash (U+2014) and space that start every signature line.</summary>
    public const string LinePrefix = "\u2014 ";

    private readonly byte[] signature;

    public NoteSignature(string keyName, uint keyId, ReadOnlySpan<byte> signature)
    {
        if (!IsValidKeyName(keyName))
        {
            throw new NoteFormatException($"key name is not 1-{NoteLimits.KeyNameBytesMax} bytes without spaces, '+' or control characters");
        }

        if (signature.Length is < 1 or > NoteLimits.SignatureBytesMax - NoteLimits.KeyIdBytes)
        {
            throw new NoteFormatException($"a signature is 1-{NoteLimits.SignatureBytesMax - NoteLimits.KeyIdBytes} bytes after the key id, was {signature.Length}");
        }

        KeyName = keyName;
        KeyId = keyId;
        this.signature = signature.ToArray();
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    /// <summary>The signature bytes after the key id.</summary>
    public ReadOnlySpan<byte> Signature => signature;

    /// <summary>base64(key id || signature), as it appears on the line.</summary>
    public string Base64
    {
        get
        {
            var blob = new byte[NoteLimits.KeyIdBytes + signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
            signature.CopyTo(blob, NoteLimits.KeyIdBytes);
            return Convert.ToBase64String(blob);
        }
    }

    /// <summary>Key id as 8 lowercase hex digits (how vkeys and tools print it).</summary>
    public string KeyIdHex => KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The full line, newline included.</summary>
    public string FormatLine() => $"{LinePrefix}{KeyName} {Base64}\n";

    /// <summary>Same name, id and bytes.</summary>
    public bool SameAs(NoteSignature other) =>
        string.Equals(KeyName, other.KeyName, StringComparison.Ordinal) && KeyId == other.KeyId && Signature.SequenceEqual(other.Signature);

    /// <summary>C2SP: non-empty, no Unicode spaces, no '+'; plus our bound and no control characters.</summary>
    public static bool IsValidKeyName(string? name)
    {
        if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > NoteLimits.KeyNameBytesMax)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || c == '+' || char.IsControl(c))
            {
                return false;
            }
        }

        return HasValidSurrogates(name);
    }

    /// <summary>Parses the part of a line after the prefix: "&lt;name&gt; &lt;base64&gt;" (no newline).</summary>
    internal static NoteSignature ParseLineBody(string body, int lineNumber)
    {
        var space = body.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || body.IndexOf(' ', space + 1) >= 0)
        {
            throw new NoteFormatException($"signature line {lineNumber} is not '— <key name> <base64>'");
        }

        var name = body[..space];
        if (!IsValidKeyName(name))
        {
            throw new NoteFormatException($"signature line {lineNumber} has an invalid key name");
        }

        var blob = StrictBase64.Decode(body[(space + 1)..], NoteLimits.SignatureBytesMax, $"signature line {lineNumber}");
        if (blob.Length <= NoteLimits.KeyIdBytes)
        {
            throw new NoteFormatException($"signature line {lineNumber} decodes to {blob.Length} bytes, fewer than a key id and a signature");
        }

        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(blob), blob.AsSpan(NoteLimits.KeyIdBytes));
    }

    private static bool HasValidSurrogates(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]))
            {
                if (i + 1 >= name.Length || !char.IsLowSurrogate(name[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(name[i]))
            {
                return false;
            }
        }

        return true;
    }
}
