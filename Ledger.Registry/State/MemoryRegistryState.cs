using System.Diagnostics.CodeAnalysis;

namespace Ledger.Registry.State;

/// <summary>
/// In-memory <see cref="IRegistryState"/> for tests and the simulator. Ordered scans come from a
/// sorted set of keys (bytewise order); the dictionary is used only for point reads, so nothing
/// observable depends on hash-table order.
/// </summary>
public sealed class MemoryRegistryState : IRegistryState
{
    private readonly Dictionary<StateKey, byte[]> values = [];
    private readonly SortedSet<StateKey> orderedKeys = [];

    public int Count => values.Count;

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value) => values.TryGetValue(key, out value);

    public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null)
    {
        if (startAfter is { } after && !after.StartsWith(prefix))
        {
            throw new ArgumentException("startAfter must lie inside the scanned prefix", nameof(startAfter));
        }

        var lower = startAfter ?? prefix;
        var upper = new StateKey(UpperBoundOf(prefix));
        if (lower.CompareTo(upper) >= 0)
        {
            yield break;
        }

        foreach (var key in orderedKeys.GetViewBetween(lower, upper))
        {
            if (startAfter is { } skip && key.Equals(skip))
            {
                continue;
            }

            if (!key.StartsWith(prefix))
            {
                // Only the exclusive upper bound itself can land here.
                continue;
            }

            yield return new StateEntry(key, values[key]);
        }
    }

    public void Apply(IReadOnlyList<StateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                values.Remove(write.Key);
                orderedKeys.Remove(write.Key);
            }
            else
            {
                values[write.Key] = write.Value;
                orderedKeys.Add(write.Key);
            }
        }
    }

    /// <summary>Every entry in key order (for tests and snapshots).</summary>
    public IEnumerable<StateEntry> All()
    {
        foreach (var key in orderedKeys)
        {
            yield return new StateEntry(key, values[key]);
        }
    }

    // The smallest key greater than every key with this prefix: the prefix with 0xFF bytes padded on,
    // long enough that no real key (bounded by StateKeys.KeyBytesMax) reaches it.
    private static byte[] UpperBoundOf(StateKey prefix)
    {
        var bound = new byte[StateKeys.KeyBytesMax + 1];
        prefix.Span.CopyTo(bound);
        bound.AsSpan(prefix.Length).Fill(0xFF);
        return bound;
    }
}
