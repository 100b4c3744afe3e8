namespace Ledger.Chaos.Workload;

/// <summary>
/// The content hashes most recently sent for registration (a ring of <see cref="WorkloadLimits.RecentWritesMax"/>),
/// with the client that sent each: readers look them up while their registrations may still be in flight,
/// and writers take another client's to register it again (a deliberate duplicate). Thread-safe.
/// </summary>
public sealed class RecentWrites
{
    private readonly Lock gate = new();
    private readonly byte[][] hashes = new byte[WorkloadLimits.RecentWritesMax][];
    private readonly int[] clients = new int[WorkloadLimits.RecentWritesMax];
    private long added;

    public void Add(int clientId, byte[] contentHash)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        lock (gate)
        {
            var slot = (int)(added % hashes.Length);
            hashes[slot] = contentHash;
            clients[slot] = clientId;
            added++;
        }
    }

    /// <summary>A random remembered hash; false while none is.</summary>
    public bool TryPick(Random random, out byte[] contentHash)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (gate)
        {
            var count = (int)Math.Min(added, hashes.Length);
            if (count == 0)
            {
                contentHash = [];
                return false;
            }

            contentHash = hashes[random.Next(count)];
            return true;
        }
    }

    /// <summary>A random remembered hash sent by a client other than <paramref name="clientId"/> (a few probes; false if none found).</summary>
    public bool TryPickOther(int clientId, Random random, out byte[] contentHash)
    {
        ArgumentNullException.ThrowIfNull(random);
        const int probes = 8;
        lock (gate)
        {
            var count = (int)Math.Min(added, hashes.Length);
            for (var probe = 0; probe < probes && count > 0; probe++)
            {
                var slot = random.Next(count);
                if (clients[slot] != clientId)
                {
                    contentHash = hashes[slot];
                    return true;
                }
            }

            contentHash = [];
            return false;
        }
    }
}
