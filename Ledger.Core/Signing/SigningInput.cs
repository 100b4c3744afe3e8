using System.Buffers;
using System.Buffers.Binary;
using Ledger.Core.Keys;

namespace Ledger.Core.Signing;

/// <summary>
/// The canonical, domain-separated bytes every Ledger signature covers:
/// <code>
/// context (printable ASCII, e.g. "ledger/v1/tx-signature")
/// 0x00
/// uint16 big-endian length of chain id || chain id UTF-8 bytes
/// payload (for transactions: the envelope bytes exactly as transmitted)
/// </code>
/// The zero byte cannot occur in a context, so no context is a prefix of another's input; the chain id
/// binds the signature to one consortium. The payload is never re-serialized: verifiers use the bytes
/// they received.
/// </summary>
public static class SigningInput
{
    public const int ContextBytesMax = 64;

    private const byte Separator = 0x00;
    private const int StackBufferBytesMax = 1024;

    public static int GetLength(ReadOnlySpan<byte> context, string chainId, int payloadLength)
    {
        ValidateContext(context);
        var chainIdBytes = ChainIdRules.Validate(chainId);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return checked(context.Length + 1 + sizeof(ushort) + chainIdBytes + payloadLength);
    }

    /// <summary>Writes the signing input; returns false (writing nothing useful) when <paramref name="destination"/> is too small.</summary>
    public static bool TryWrite(ReadOnlySpan<byte> context, string chainId, ReadOnlySpan<byte> payload, Span<byte> destination, out int bytesWritten)
    {
        var length = GetLength(context, chainId, payload.Length);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        context.CopyTo(destination);
        var offset = context.Length;
        destination[offset++] = Separator;
        var chainIdBytes = ChainIdRules.StrictUtf8.GetBytes(chainId, destination[(offset + sizeof(ushort))..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)chainIdBytes);
        offset += sizeof(ushort) + chainIdBytes;
        payload.CopyTo(destination[offset..]);
        bytesWritten = offset + payload.Length;
        return true;
    }

    public static byte[] Create(ReadOnlySpan<byte> context, string chainId, ReadOnlySpan<byte> payload)
    {
        var input = new byte[GetLength(context, chainId, payload.Length)];
        TryWrite(context, chainId, payload, input, out _);
        return input;
    }

    /// <summary>Signs the signing input built from the parts.</summary>
    public static byte[] Sign(KeyPair signer, ReadOnlySpan<byte> context, string chainId, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return signer.Sign(Create(context, chainId, payload));
    }

    /// <summary>
    /// Verifies a signature over the signing input built from the parts, using a pooled buffer. Returns
    /// false for any malformed signature; throws only for null arguments, an invalid context or an
    /// invalid chain id (those come from the verifier's own configuration, not from the wire).
    /// </summary>
    public static bool Verify(PublicKey signerKey, ReadOnlySpan<byte> context, string chainId, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(signerKey);
        var length = GetLength(context, chainId, payload.Length);
        if (length <= StackBufferBytesMax)
        {
            Span<byte> input = stackalloc byte[length];
            TryWrite(context, chainId, payload, input, out _);
            return signerKey.Verify(input, signature);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            TryWrite(context, chainId, payload, rented, out _);
            return signerKey.Verify(rented.AsSpan(0, length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void ValidateContext(ReadOnlySpan<byte> context)
    {
        if (context.IsEmpty || context.Length > ContextBytesMax)
        {
            throw new ArgumentException($"a signing context is 1..{ContextBytesMax} bytes, was {context.Length}", nameof(context));
        }

        foreach (var value in context)
        {
            if (value is < 0x21 or > 0x7E)
            {
                throw new ArgumentException($"a signing context is printable ASCII without spaces; found byte 0x{value:x2}", nameof(context));
            }
        }
    }
}
