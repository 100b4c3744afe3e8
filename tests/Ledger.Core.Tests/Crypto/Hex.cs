namespace Ledger.Core.Tests.Crypto;

/// <summary>Test vectors are written as hex, often split over lines; this joins and decodes them.</summary>
internal static class Hex
{
    public static byte[] Decode(params string[] parts) => Convert.FromHexString(string.Concat(parts).Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
