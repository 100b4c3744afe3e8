namespace Ledger.Simulation;

/// <summary>
/// A bounded ring of the most recent <see cref="TraceEvent"/>s plus a hash over every event ever
/// recorded: equal hashes for two runs of one seed show the run replays exactly.
/// </summary>
public sealed class TraceLog
{
    private const ulong HashSeed = 14695981039346656037UL;
    private readonly TraceEvent[] ring;
    private long count;

    public TraceLog(int capacity)
    {
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Trace capacity must be positive.");
        }

        ring = new TraceEvent[capacity];
    }

    public ulong Hash { get; private set; } = HashSeed;

    public long Count => count;

    public void Add(in TraceEvent traceEvent)
    {
        ring[count % ring.Length] = traceEvent;
        count++;
        Hash = traceEvent.Fold(Hash);
    }

    /// <summary>The last <paramref name="linesMax"/> events, oldest first, formatted.</summary>
    public IReadOnlyList<string> Tail(int linesMax)
    {
        var kept = (int)Math.Min(Math.Min(count, ring.Length), linesMax);
        var lines = new List<string>(kept);
        for (var i = count - kept; i < count; i++)
        {
            lines.Add(ring[i % ring.Length].ToString());
        }

        return lines;
    }
}
