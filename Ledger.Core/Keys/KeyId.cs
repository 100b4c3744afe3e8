namespace Ledger.Core.Keys;

/// <summary>
/// Identifier of a public key: the suite hash of the key's canonical encoding (32 bytes for all
/// current suites). Immutable, compares by value, prints as lowercase hex.
/// </summary>
public sealed class KeyId : IEquatable<KeyId>
{
    public const int BytesMax = 64;

    private readonly byte[] bytes;

    private KeyId(byte[] bytes)
    {
        this.bytes = bytes;
    }

    public ReadOnlySpan<byte> Bytes => bytes;

    public int Length => bytes.Length;

    /// <summary>Copies <paramref name="value"/>; it must be 1..<see cref="BytesMax"/> bytes.</summary>
    public static KeyId FromBytes(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > BytesMax)
        {
            throw new ArgumentException($"a key id is 1..{BytesMax} bytes, was {value.Length}", nameof(value));
        }

        return new KeyId(value.ToArray());
    }

    /// <summary>Parses hex (either case); throws <see cref="FormatException"/> on malformed input.</summary>
    public static KeyId ParseHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        byte[] value;
        try
        {
            value = Convert.FromHexString(hex);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"key id is not valid hex: '{hex}'", exception);
        }

        if (value.Length == 0 || value.Length > BytesMax)
        {
            throw new FormatException($"a key id is 1..{BytesMax} bytes, '{hex}' has {value.Length}");
        }

        return new KeyId(value);
    }

    public byte[] ToArray() => (byte[])bytes.Clone();

    public string ToHex() => Convert.ToHexStringLower(bytes);

    public override string ToString() => ToHex();

    public bool Equals(KeyId? other) => other is not null && bytes.AsSpan().SequenceEqual(other.bytes);

    /// <summary>Compares with raw key id bytes, e.g. an envelope's signer_key_id (key ids are public, so no constant-time compare).</summary>
    public bool Matches(ReadOnlySpan<byte> other) => bytes.AsSpan().SequenceEqual(other);

    public override bool Equals(object? obj) => Equals(obj as KeyId);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(KeyId? left, KeyId? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(KeyId? left, KeyId? right) => !(left == right);

    internal static KeyId Derive(Hashing.IHashAlgorithm hash, ReadOnlySpan<byte> encodedPublicKey)
    {
        var value = new byte[hash.HashSizeBytes];
        hash.Hash(encodedPublicKey, value);
        return new KeyId(value);
    }
}
