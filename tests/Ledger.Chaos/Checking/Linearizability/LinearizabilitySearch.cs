namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>
/// Wing and Gong's search for a linearization, with Lowe's memoization as in Porcupine
/// (anishathalye/porcupine, <c>checker.go</c>): call and return events in time order on a linked
/// list; take the first call whose step the model allows and whose (linearized set, state) pair is
/// new, lift it out with its return, and start over; at a return whose call is not linearized yet,
/// undo the last choice. Every (set, state) pair is tried once, so the cache bounds the work.
/// </summary>
internal static class LinearizabilitySearch
{
    /// <summary>Distinct (linearized set, register state) pairs explored per work before answering undecided.</summary>
    public const int StatesPerKeyMax = 200_000;

    /// <summary>Loop iterations per work before answering undecided (each visits one event).</summary>
    public const long StepsPerKeyMax = 20_000_000;

    private const int None = -1;

    /// <summary>Keeps a state's hash apart from any operation's.</summary>
    private const ulong StateSalt = 1UL << 63;

    public static SearchOutcome Check(KeyHistory history, int statesMax = StatesPerKeyMax, long stepsMax = StepsPerKeyMax)
    {
        ArgumentNullException.ThrowIfNull(history);
        var count = history.Count;
        if (count == 0)
        {
            return SearchOutcome.Linearizable;
        }

        // Events: 2i is operation i's call, 2i+1 its return, ordered by time; at equal times calls come
        // first, so operations that touch are concurrent (the lenient reading).
        var order = new int[2 * count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var timeA = (a & 1) == 0 ? history.Calls[a >> 1] : history.Returns[a >> 1];
            var timeB = (b & 1) == 0 ? history.Calls[b >> 1] : history.Returns[b >> 1];
            var byTime = timeA.CompareTo(timeB);
            if (byTime != 0)
            {
                return byTime;
            }

            var byKind = (a & 1) - (b & 1);
            return byKind != 0 ? byKind : a.CompareTo(b);
        });

        // Doubly linked list over event ids, with a head sentinel.
        var head = 2 * count;
        var next = new int[2 * count + 1];
        var previous = new int[2 * count + 1];
        var last = head;
        foreach (var e in order)
        {
            next[last] = e;
            previous[e] = last;
            last = e;
        }

        next[last] = None;

        void Remove(int e)
        {
            next[previous[e]] = next[e];
            if (next[e] != None)
            {
                previous[next[e]] = previous[e];
            }
        }

        void Reinsert(int e)
        {
            next[previous[e]] = e;
            if (next[e] != None)
            {
                previous[next[e]] = e;
            }
        }

        var linearized = new ulong[(count + 63) / 64];
        ulong linearizedHash = 0;
        var cache = new HashSet<CacheEntry>(CacheEntryComparer.Instance);
        var stack = new Stack<(int Call, int State)>();
        var state = RegisterStep.Absent;
        var entry = next[head];
        long steps = 0;
        while (next[head] != None)
        {
            if (++steps > stepsMax)
            {
                return SearchOutcome.Undecided;
            }

            if (entry == None)
            {
                throw new InvalidOperationException("linearizability search ran off the event list: every call must be followed by its return");
            }

            var operation = entry >> 1;
            if ((entry & 1) == 0)
            {
                if (history.Steps[operation].TryApply(state, history.Written, out var after))
                {
                    Flip(linearized, operation);
                    linearizedHash ^= Mix(operation);
                    var probe = new CacheEntry(linearized, after, linearizedHash ^ Mix(StateSalt | (uint)after));
                    if (!cache.Contains(probe))
                    {
                        if (cache.Count >= statesMax)
                        {
                            return SearchOutcome.Undecided;
                        }

                        cache.Add(probe with { Linearized = (ulong[])linearized.Clone() });
                        stack.Push((entry, state));
                        state = after;
                        Remove(entry);
                        Remove(entry + 1);
                        entry = next[head];
                        continue;
                    }

                    Flip(linearized, operation);
                    linearizedHash ^= Mix(operation);
                }

                entry = next[entry];
            }
            else
            {
                // A return whose call is still pending: no linearization extends the current choices.
                if (stack.Count == 0)
                {
                    return SearchOutcome.NotLinearizable;
                }

                var (call, before) = stack.Pop();
                Flip(linearized, call >> 1);
                linearizedHash ^= Mix(call >> 1);
                state = before;
                Reinsert(call + 1);
                Reinsert(call);
                entry = next[call];
            }
        }

        return SearchOutcome.Linearizable;
    }

    private static void Flip(ulong[] bits, int index) => bits[index >> 6] ^= 1UL << (index & 63);

    /// <summary>SplitMix64's finalizer: a well-spread 64-bit value per operation (Zobrist hashing of the set).</summary>
    private static ulong Mix(int operation) => Mix((ulong)operation);

    private static ulong Mix(ulong value)
    {
        var z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private readonly record struct CacheEntry(ulong[] Linearized, int State, ulong Hash);

    private sealed class CacheEntryComparer : IEqualityComparer<CacheEntry>
    {
        public static readonly CacheEntryComparer Instance = new();

        public bool Equals(CacheEntry x, CacheEntry y) =>
            x.Hash == y.Hash && x.State == y.State && x.Linearized.AsSpan().SequenceEqual(y.Linearized);

        public int GetHashCode(CacheEntry obj) => (int)(obj.Hash ^ (obj.Hash >> 32));
    }
}
