namespace Ledger.Core.Crypto;

/// <summary>
/// The bounded set of SM2 public keys that hold a <see cref="Sm2CombTable"/>: at most
/// <see cref="EntriesMax"/> tables of about <see cref="Sm2CombTable.RetainedBytesApprox"/> each.
/// A member signs many transactions, so its key's table pays for itself after a few verifications
/// (building one costs about as much as seven comb verifications); a key without a table verifies
/// on BouncyCastle's own multiplier, correct and about 1.4x slower.
/// </summary>
/// <remarks>
/// Eviction is CLOCK (second chance): a verification with a table marks its key referenced (a plain
/// store, no lock); admitting a key when full sweeps the ring, clearing marks, and takes the first
/// slot whose key was not referenced since the hand last passed, dropping that key's table. The sweep
/// is bounded (two turns of the ring, then the slot under the hand is taken whatever its mark).
/// Admission takes a lock; lookups never do, because a key reaches its table through its own field
/// (<see cref="Sm2BouncyCastleVerifyingKey"/>). A verification that already read a table before it
/// was dropped finishes with it (tables are immutable), so eviction never changes a result.
/// </remarks>
internal sealed class Sm2CombTableCache
{
    /// <summary>
    /// The process-wide bound: 128 tables, about 11 MB. A consortium's busy signers (platforms,
    /// courts, the larger rights holders) are far fewer; the rest verify at BouncyCastle's speed.
    /// </summary>
    public const int SharedEntriesMax = 128;

    private readonly Lock gate = new();
    private readonly Sm2BouncyCastleVerifyingKey?[] slots;
    private int count;
    private int hand;
    private long admissions;
    private long evictions;

    public Sm2CombTableCache(int entriesMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entriesMax, 1);
        slots = new Sm2BouncyCastleVerifyingKey?[entriesMax];
    }

    /// <summary>The cache the BouncyCastle backend's keys share.</summary>
    public static Sm2CombTableCache Shared { get; } = new(SharedEntriesMax);

    public int EntriesMax => slots.Length;

    /// <summary>Keys holding a table now; never above <see cref="EntriesMax"/>.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>Tables admitted since creation.</summary>
    public long Admissions => Interlocked.Read(ref admissions);

    /// <summary>Tables dropped to make room since creation.</summary>
    public long Evictions => Interlocked.Read(ref evictions);

    /// <summary>Gives <paramref name="key"/> its <paramref name="table"/>, dropping another key's table if the cache is full.</summary>
    public void Admit(Sm2BouncyCastleVerifyingKey key, Sm2CombTable table)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(table);
        lock (gate)
        {
            if (key.HasCombTable)
            {
                return;
            }

            int slot;
            if (count < slots.Length)
            {
                slot = count++;
            }
            else
            {
                slot = TakeVictimSlot();
                slots[slot]!.DropCombTable();
                Interlocked.Increment(ref evictions);
            }

            slots[slot] = key;
            key.SetCombTable(table);
            Interlocked.Increment(ref admissions);
        }
    }

    private int TakeVictimSlot()
    {
        // Two full turns clear every mark that was set before the sweep began; marks set during it
        // could keep it going, so past that the slot under the hand is taken.
        for (var step = 0; step < 2 * slots.Length; step++)
        {
            var candidate = hand;
            hand = (hand + 1) % slots.Length;
            if (!slots[candidate]!.ClearReferenced())
            {
                return candidate;
            }
        }

        var taken = hand;
        hand = (hand + 1) % slots.Length;
        return taken;
    }
}
