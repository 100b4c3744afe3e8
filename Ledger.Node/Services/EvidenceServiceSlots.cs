namespace Ledger.Node.Services;

/// <summary>
/// A fixed number of exports that may run at once; one more is refused, never queued (the caller
/// retries), so a burst of downloads cannot hold more than <see cref="SlotsMax"/> bundles in memory.
/// </summary>
public sealed class EvidenceServiceSlots
{
    private int taken;

    public EvidenceServiceSlots(int slotsMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotsMax);
        SlotsMax = slotsMax;
    }

    public int SlotsMax { get; }

    /// <summary>Slots held now (at most <see cref="SlotsMax"/>).</summary>
    public int Taken => Volatile.Read(ref taken);

    /// <summary>Takes a slot if one is free; the caller gives it back with <see cref="Release"/>.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref taken) <= SlotsMax)
        {
            return true;
        }

        Interlocked.Decrement(ref taken);
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref taken) < 0)
        {
            throw new InvalidOperationException("an evidence export slot was released that was never taken");
        }
    }
}
