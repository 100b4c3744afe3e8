namespace Ledger.Registry.State;

/// <summary>
/// An immutable state key: a <see cref="KeySpace"/> byte followed by a space-specific layout (see
/// <see cref="StateKeys"/>). Keys order bytewise, like RocksDB's default comparator, so prefix
/// scans and pages are identical on every implementation of the state.
/// </summary>
public readonly struct StateKey : IEquatable<StateKey>, IComparable<StateKey>
{
    private readonly byte[] bytes;

    public StateKey(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new ArgumentException("a state key has at least its key-space byte", nameof(bytes));
        }

        this.bytes = bytes;
    }

    public KeySpace Space => (KeySpace)bytes[0];

    public ReadOnlySpan<byte> Span => bytes;

    public int Length => bytes.Length;

    /// <summary>The key's bytes; callers must not mutate them.</summary>
    public byte[] UnsafeBytes => bytes;

    public bool StartsWith(StateKey prefix) => bytes.AsSpan().StartsWith(prefix.bytes);

    public bool Equals(StateKey other) => bytes.AsSpan().SequenceEqual(other.bytes);

    public override bool Equals(object? obj) => obj is StateKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    public int CompareTo(StateKey other) => bytes.AsSpan().SequenceCompareTo(other.bytes);

    public override string ToString() => Convert.ToHexString(bytes);

    public static bool operator ==(StateKey left, StateKey right) => left.Equals(right);

    public static bool operator !=(StateKey left, StateKey right) => !left.Equals(right);

    public static bool operator <(StateKey left, StateKey right) => left.CompareTo(right) < 0;

    public static bool operator >(StateKey left, StateKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(StateKey left, StateKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StateKey left, StateKey right) => left.CompareTo(right) >= 0;
}
