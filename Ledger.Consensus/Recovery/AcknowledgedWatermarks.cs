namespace Ledger.Consensus;

/// <summary>
/// The highest log position each node is known to have acknowledged, as learned from leaders (immutable, sorted by
/// node id, value equality). Leaders piggyback it on appends and heartbeats; every node persists it with its hard
/// state, so the knowledge outlives the leader that gathered it. A node whose log is behind its own watermark
/// (in Raft's up-to-date order, <see cref="LogPosition"/>) forgot something it acknowledged and must recover.
/// </summary>
public sealed class AcknowledgedWatermarks : IEquatable<AcknowledgedWatermarks>
{
    /// <summary>
    /// Nodes tracked at most (the voters with the lowest ids when there are more). Bounds the list in every message
    /// and hard-state record; the peer boundary and the storage decoder refuse longer lists.
    /// </summary>
    public const int NodesMax = 64;

    private readonly AcknowledgedWatermark[] items;

    private AcknowledgedWatermarks(AcknowledgedWatermark[] sortedItems)
    {
        items = sortedItems;
    }

    public static AcknowledgedWatermarks Empty { get; } = new([]);

    public IReadOnlyList<AcknowledgedWatermark> Items => items;

    public int Count => items.Length;

    public bool IsEmpty => items.Length == 0;

    /// <summary>
    /// Builds a set from <paramref name="watermarks"/>; for a node named twice the more up-to-date position stays.
    /// Throws <see cref="ArgumentException"/> for node id 0, an empty position or more than <see cref="NodesMax"/> nodes.
    /// </summary>
    public static AcknowledgedWatermarks Of(IEnumerable<AcknowledgedWatermark> watermarks)
    {
        ArgumentNullException.ThrowIfNull(watermarks);
        var byNode = new SortedDictionary<ulong, LogPosition>();
        foreach (var watermark in watermarks)
        {
            if (watermark.NodeId == 0 || watermark.Position.IsNone)
            {
                throw new ArgumentException($"Watermark {watermark} names node 0 or an empty position.", nameof(watermarks));
            }

            byNode[watermark.NodeId] = byNode.TryGetValue(watermark.NodeId, out var known)
                ? LogPosition.Max(known, watermark.Position)
                : watermark.Position;
        }

        if (byNode.Count > NodesMax)
        {
            throw new ArgumentException($"{byNode.Count} watermarks, more than {NodesMax}.", nameof(watermarks));
        }

        return byNode.Count == 0 ? Empty : new AcknowledgedWatermarks(byNode.Select(p => new AcknowledgedWatermark(p.Key, p.Value)).ToArray());
    }

    /// <summary>The position <paramref name="nodeId"/> is known to have acknowledged, or <see cref="LogPosition.None"/>.</summary>
    public LogPosition For(ulong nodeId)
    {
        var low = 0;
        var high = items.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var id = items[middle].NodeId;
            if (id == nodeId)
            {
                return items[middle].Position;
            }

            if (id < nodeId)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return LogPosition.None;
    }

    /// <summary>
    /// This set raised by <paramref name="other"/> (per node, the more up-to-date position), restricted to
    /// <paramref name="members"/> (ascending ids; the first <see cref="NodesMax"/> kept). Returns this instance when
    /// nothing changes, so callers can compare by reference.
    /// </summary>
    public AcknowledgedWatermarks Raise(IReadOnlyList<AcknowledgedWatermark> other, ReadOnlySpan<ulong> members)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = new List<AcknowledgedWatermark>(Math.Min(members.Length, NodesMax));
        foreach (var id in members)
        {
            if (merged.Count == NodesMax)
            {
                break;
            }

            var position = For(id);
            foreach (var candidate in other)
            {
                if (candidate.NodeId == id)
                {
                    position = LogPosition.Max(position, candidate.Position);
                }
            }

            if (!position.IsNone)
            {
                merged.Add(new AcknowledgedWatermark(id, position));
            }
        }

        merged.Sort(static (a, b) => a.NodeId.CompareTo(b.NodeId));
        return merged.Count == items.Length && merged.SequenceEqual(items) ? this : new AcknowledgedWatermarks([.. merged]);
    }

    public bool Equals(AcknowledgedWatermarks? other) =>
        other is not null && (ReferenceEquals(this, other) || items.AsSpan().SequenceEqual(other.items));

    public override bool Equals(object? obj) => Equals(obj as AcknowledgedWatermarks);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(",", items.Select(i => $"{i.NodeId}:{i.Position}"));
}
