using System.Text;

namespace Ledger.Core.Signing;

/// <summary>
/// What a chain id may be wherever it is signed or hashed: 1..<see cref="Utf8BytesMax"/> bytes of
/// well-formed UTF-8. Lone surrogates are rejected instead of being replaced by U+FFFD, because
/// replacement would make two different strings sign and hash identically.
/// </summary>
public static class ChainIdRules
{
    public const int Utf8BytesMax = 128;

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the UTF-8 length of a valid chain id; throws <see cref="InvalidChainIdException"/> otherwise.</summary>
    public static int Validate(string chainId)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        if (chainId.Length == 0)
        {
            throw new InvalidChainIdException("chain id is empty");
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(chainId);
        }
        catch (EncoderFallbackException exception)
        {
            throw new InvalidChainIdException("chain id is not well-formed Unicode", exception);
        }

        if (byteCount > Utf8BytesMax)
        {
            throw new InvalidChainIdException($"chain id is {byteCount} UTF-8 bytes; the maximum is {Utf8BytesMax}");
        }

        return byteCount;
    }
}
