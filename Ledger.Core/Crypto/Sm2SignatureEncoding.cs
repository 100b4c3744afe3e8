namespace Ledger.Core.Crypto;

/// <summary>
/// The suite's wire form of an SM2 signature is r || s (32 bytes each, big-endian); OpenSSL speaks
/// the GM/T 0009 DER form SEQUENCE { r INTEGER, s INTEGER }. This converts between the two, and
/// holds the one range rule both backends apply before any curve arithmetic: 1 &lt;= r, s &lt;= n - 1.
/// </summary>
internal static class Sm2SignatureEncoding
{
    public const int ScalarSizeBytes = 32;

    public const int FixedSizeBytes = 2 * ScalarSizeBytes;

    /// <summary>SEQUENCE header (2) + two INTEGERs of at most 33 content bytes (tag, length, sign byte).</summary>
    public const int DerSizeBytesMax = 2 + (2 * (2 + ScalarSizeBytes + 1));

    private const byte SequenceTag = 0x30;
    private const byte IntegerTag = 0x02;

    /// <summary>Order n of the sm2p256v1 base point, big-endian.</summary>
    public static ReadOnlySpan<byte> Order => [
        0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6, 0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09, 0x39, 0xD5, 0x41, 0x23,
    ];

    /// <summary>
    /// True when the 64-byte r || s has both values in [1, n - 1], the range GM/T 0003.2 §7.1 B1–B2
    /// requires; anything else is rejected before either backend sees it, so both refuse it alike.
    /// </summary>
    public static bool HasScalarsInRange(ReadOnlySpan<byte> signature) =>
        signature.Length == FixedSizeBytes
        && IsInRange(signature[..ScalarSizeBytes])
        && IsInRange(signature[ScalarSizeBytes..]);

    /// <summary>Writes r || s as DER into <paramref name="destination"/> (at least <see cref="DerSizeBytesMax"/>); returns the length.</summary>
    public static int ToDer(ReadOnlySpan<byte> signature, Span<byte> destination)
    {
        if (signature.Length != FixedSizeBytes || destination.Length < DerSizeBytesMax)
        {
            throw new ArgumentException($"needs a {FixedSizeBytes}-byte signature ({signature.Length}) and {DerSizeBytesMax} bytes of room ({destination.Length})");
        }

        var length = 2;
        length += WriteInteger(signature[..ScalarSizeBytes], destination[length..]);
        length += WriteInteger(signature[ScalarSizeBytes..], destination[length..]);
        destination[0] = SequenceTag;
        destination[1] = (byte)(length - 2);
        return length;
    }

    /// <summary>Reads strict DER (minimal INTEGERs, positive, at most 32 value bytes, nothing trailing) into r || s.</summary>
    public static bool TryFromDer(ReadOnlySpan<byte> der, Span<byte> signature)
    {
        if (signature.Length != FixedSizeBytes || der.Length < 2 || der[0] != SequenceTag || der[1] != der.Length - 2 || der[1] >= 0x80)
        {
            return false;
        }

        var rest = der[2..];
        return TryReadInteger(ref rest, signature[..ScalarSizeBytes])
            && TryReadInteger(ref rest, signature[ScalarSizeBytes..])
            && rest.IsEmpty;
    }

    private static bool IsInRange(ReadOnlySpan<byte> value) => value.IndexOfAnyExcept((byte)0) >= 0 && value.SequenceCompareTo(Order) < 0;

    private static int WriteInteger(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var first = value.IndexOfAnyExcept((byte)0);
        var magnitude = first < 0 ? value[^1..] : value[first..];
        var signByte = magnitude[0] >= 0x80 ? 1 : 0;
        destination[0] = IntegerTag;
        destination[1] = (byte)(magnitude.Length + signByte);
        destination[2] = 0;
        magnitude.CopyTo(destination[(2 + signByte)..]);
        return 2 + signByte + magnitude.Length;
    }

    private static bool TryReadInteger(ref ReadOnlySpan<byte> der, Span<byte> value)
    {
        if (der.Length < 3 || der[0] != IntegerTag || der[1] == 0 || der[1] > der.Length - 2)
        {
            return false;
        }

        var content = der.Slice(2, der[1]);
        der = der[(2 + content.Length)..];
        if (content[0] >= 0x80 || (content.Length > 1 && content[0] == 0 && content[1] < 0x80))
        {
            return false; // negative, or not minimal
        }

        if (content[0] == 0 && content.Length > 1)
        {
            content = content[1..];
        }

        if (content.Length > value.Length)
        {
            return false;
        }

        value.Clear();
        content.CopyTo(value[(value.Length - content.Length)..]);
        return true;
    }
}
