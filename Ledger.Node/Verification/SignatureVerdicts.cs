using System.Collections.Concurrent;
using Ledger.Consensus;
using Ledger.Registry.Batches;
using Ledger.Registry.Signatures;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Verification;

/// <summary>
/// Signature verdicts computed ahead of apply, so that every node checks every transaction's
/// signature (the rules require it) without paying for it on the apply thread: the door's verdict
/// for what this node admitted (on the leader, nearly every transaction it proposes), and the
/// pre-verifier's for entries this node persists (a follower's share). Verdicts are looked up by
/// transaction hash, computed by the apply path from the committed bytes themselves: a hash names
/// exactly one envelope and signature, so a verdict is never taken for other bytes, and nothing in a
/// committed entry can claim one. Whatever is missing here is verified inline by the rules.
/// <para>
/// Bounded: at most <see cref="DoorVerdictsMax"/> door verdicts (a verdict whose transaction never
/// commits — a proposal lost to a leader change — lingers until the map is next emptied, which
/// happens when it fills) and <see cref="PreverifyJobsMax"/> entries being pre-verified. Thread-safe.
/// </para>
/// </summary>
public sealed class SignatureVerdicts
{
    /// <summary>Door verdicts kept for apply (~100 bytes each); when full the map is emptied and the missing ones are checked inline.</summary>
    public const int DoorVerdictsMax = 131_072;

    /// <summary>
    /// Door-checked batches kept for apply: each holds its parsed items (~2-3 MB for 10,000), so few;
    /// a proposal normally applies within a few batches of its admission. When full the map is
    /// emptied and the missing ones are parsed and hashed again by the rules.
    /// </summary>
    public const int DoorBatchChecksMax = 32;

    /// <summary>Entries handed to the pre-verifier and not yet applied; beyond this, entries are verified inline.</summary>
    public const int PreverifyJobsMax = 1_024;

    private readonly ConcurrentDictionary<byte[], SignatureVerdict> door = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], CheckedBatchItems> doorBatches = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<ulong, PreverifyJob> jobs = new();
    private ulong lastTakenIndex;
    private int doorCount;

    /// <summary>Door verdicts waiting for their transaction to be applied.</summary>
    public int DoorVerdictCount => door.Count;

    /// <summary>Entries registered for pre-verification and not yet taken by apply.</summary>
    public int PendingJobCount => jobs.Count;

    /// <summary>Keeps the door's verdict on the transaction with hash <paramref name="transactionHash"/> for its apply.</summary>
    public void RecordDoorVerdict(byte[] transactionHash, SignatureVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(transactionHash);
        ArgumentNullException.ThrowIfNull(verdict);
        // A counter of our own: ConcurrentDictionary.Count takes every lock, and this runs for every
        // admission on many threads. A race with a clear can leave it a few off; the bound stays.
        if (Volatile.Read(ref doorCount) >= DoorVerdictsMax)
        {
            door.Clear();
            Volatile.Write(ref doorCount, 0);
        }

        if (door.TryAdd(transactionHash, verdict))
        {
            Interlocked.Increment(ref doorCount);
        }
    }

    /// <summary>Keeps the door's parse and root of the batch with hash <paramref name="transactionHash"/> for its apply.</summary>
    public void RecordDoorBatchCheck(byte[] transactionHash, CheckedBatchItems checkedItems)
    {
        ArgumentNullException.ThrowIfNull(transactionHash);
        ArgumentNullException.ThrowIfNull(checkedItems);
        // Batches are admitted a few per second, so the lock-taking Count is cheap enough here.
        if (doorBatches.Count >= DoorBatchChecksMax)
        {
            doorBatches.Clear();
        }

        doorBatches[transactionHash] = checkedItems;
    }

    /// <summary>Door-checked batches waiting for their transaction to be applied.</summary>
    public int DoorBatchCheckCount => doorBatches.Count;

    /// <summary>The door's parse and root of the batch with hash <paramref name="transactionHash"/>, removing it; null when there is none.</summary>
    public CheckedBatchItems? TakeDoorBatchCheck(byte[] transactionHash) =>
        doorBatches.TryRemove(transactionHash, out var checkedItems) ? checkedItems : null;

    /// <summary>Whether the door already judged this transaction (the pre-verifier then skips it).</summary>
    public bool HasDoorVerdict(byte[] transactionHash) => door.ContainsKey(transactionHash);

    /// <summary>
    /// The verdicts the pre-verifier computed for <paramref name="entry"/> (waiting for them if it is
    /// still at work), or null when it was not handed this very entry; removes them.
    /// </summary>
    public IReadOnlyDictionary<byte[], SignatureVerdict>? TakeEntryVerdicts(Entry entry)
    {
        Volatile.Write(ref lastTakenIndex, entry.Index);
        if (!jobs.TryRemove(entry.Index, out var job))
        {
            return null;
        }

        if (job.Term != entry.Term)
        {
            // An entry this node persisted and a new leader replaced: not the committed bytes.
            return null;
        }

        job.WaitDone();
        return job.Verdicts;
    }

    /// <summary>The door's verdict for <paramref name="transactionHash"/>, removing it; null when there is none.</summary>
    public SignatureVerdict? TakeDoorVerdict(byte[] transactionHash)
    {
        if (!door.TryRemove(transactionHash, out var verdict))
        {
            return null;
        }

        Interlocked.Decrement(ref doorCount);
        return verdict;
    }

    /// <summary>Registers a job for its entry (replacing one for an overwritten entry at the same index); false when full.</summary>
    internal bool TryRegister(PreverifyJob job)
    {
        if (jobs.Count >= PreverifyJobsMax)
        {
            // Jobs for entries apply went past without taking them (entries that held no batch,
            // entries a snapshot replaced) would otherwise fill the map for good.
            var applied = Volatile.Read(ref lastTakenIndex);
            foreach (var stale in jobs.Where(j => j.Key <= applied))
            {
                if (jobs.TryRemove(stale))
                {
                    stale.Value.Abandon();
                }
            }

            if (jobs.Count >= PreverifyJobsMax)
            {
                return false;
            }
        }

        if (jobs.TryGetValue(job.Index, out var replaced))
        {
            replaced.Abandon();
        }

        jobs[job.Index] = job;
        return true;
    }

    internal void Unregister(PreverifyJob job) => jobs.TryRemove(new KeyValuePair<ulong, PreverifyJob>(job.Index, job));
}
