using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// Messages in flight, each with a delivery tick drawn from the seeded source (different delays
/// reorder), plus the partition matrix: <c>blocked[from, to]</c> drops traffic in one direction.
/// </summary>
internal sealed class SimNetwork
{
    /// <summary>Messages in flight at once; beyond it the run is broken (a send storm), not merely slow.</summary>
    public const int InFlightMax = 1_000_000;

    private readonly PriorityQueue<InFlightMessage, (long Tick, long Sequence)> queue = new();
    private readonly bool[,] blocked;
    private long sequence;

    public SimNetwork(int nodeIdMax)
    {
        blocked = new bool[nodeIdMax + 1, nodeIdMax + 1];
    }

    public int Count => queue.Count;

    public bool HasPartition { get; private set; }

    public void Enqueue(Message message, long deliverTick)
    {
        if (queue.Count >= InFlightMax)
        {
            throw new InvalidOperationException($"More than {InFlightMax} messages in flight.");
        }

        var entry = new InFlightMessage(deliverTick, sequence++, message);
        queue.Enqueue(entry, (deliverTick, entry.Sequence));
    }

    public bool TryDequeueDue(long tick, out InFlightMessage message)
    {
        if (queue.TryPeek(out var head, out _) && head.DeliverTick <= tick)
        {
            message = queue.Dequeue();
            return true;
        }

        message = default;
        return false;
    }

    public bool IsBlocked(ulong from, ulong to) => blocked[(int)from, (int)to];

    public void Block(ulong from, ulong to)
    {
        blocked[(int)from, (int)to] = true;
        HasPartition = true;
    }

    public void HealAll()
    {
        Array.Clear(blocked);
        HasPartition = false;
    }
}
