namespace Ledger.Consensus;

/// <summary>
/// Fixed ring of the last indexes of append messages sent but not yet acknowledged. It refuses to
/// overfill: a full window pauses replication to that follower.
/// </summary>
internal sealed class Inflights
{
    private readonly ulong[] lastIndexes;
    private int start;
    private int count;

    public Inflights(int capacity)
    {
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Inflight window must hold at least one message.");
        }

        lastIndexes = new ulong[capacity];
    }

    public int Capacity => lastIndexes.Length;

    public int Count => count;

    public bool Full => count == lastIndexes.Length;

    public void Add(ulong lastIndex)
    {
        if (Full)
        {
            RaftInvariantException.Throw($"Inflight window of {lastIndexes.Length} is full; the caller must check Full first.");
        }

        if (count > 0 && lastIndex <= lastIndexes[(start + count - 1) % lastIndexes.Length])
        {
            RaftInvariantException.Throw($"Inflight index {lastIndex} does not increase.");
        }

        lastIndexes[(start + count) % lastIndexes.Length] = lastIndex;
        count++;
    }

    /// <summary>Frees every in-flight message whose last index is &lt;= <paramref name="index"/>.</summary>
    public void FreeLessOrEqual(ulong index)
    {
        while (count > 0 && lastIndexes[start] <= index)
        {
            start = (start + 1) % lastIndexes.Length;
            count--;
        }

        if (count == 0)
        {
            start = 0;
        }
    }

    /// <summary>Frees the oldest in-flight message (it was probably lost) so one more may be sent.</summary>
    public void FreeFirstOne() => FreeLessOrEqual(count > 0 ? lastIndexes[start] : 0);

    public void Reset()
    {
        start = 0;
        count = 0;
    }
}
