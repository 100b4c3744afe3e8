namespace Ledger.Storage.Snapshots;

/// <summary>
/// Keeps a background reader of the whole state (the integrity scan) and a snapshot install apart.
/// An install first deletes every key of a column family and then ingests the new file: a reader in
/// between would see blocks, index entries and log nodes vanish and take that for damage. The reader
/// holds <see cref="EnterReading"/> for one bounded slice of work; the install holds
/// <see cref="EnterReplacing"/> while it runs and bumps <see cref="Generation"/>, so the reader knows
/// that what it verified before belongs to a state that is gone. A served read does not wait on the
/// gate (an install can take seconds); it asks <see cref="MayHaveRaced"/> after a failure instead.
/// </summary>
public sealed class StateReplacementGate
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private long _generation;
    private int _replacing;

    /// <summary>How many times the state was replaced since the database was opened.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>An install is clearing and refilling the state now.</summary>
    public bool IsReplacing => Volatile.Read(ref _replacing) != 0;

    /// <summary>
    /// Whether a read that began when <see cref="Generation"/> was <paramref name="generationAtStart"/> may have
    /// seen an install's half-cleared state: one is running, or one ran since the read began.
    /// </summary>
    public bool MayHaveRaced(long generationAtStart) => IsReplacing || Generation != generationAtStart;

    /// <summary>Held by a reader for one slice; the install waits for it.</summary>
    public Scope EnterReading()
    {
        _lock.EnterReadLock();
        return new Scope(this, writing: false);
    }

    /// <summary>Held by the install while the state column families are cleared and refilled.</summary>
    public Scope EnterReplacing()
    {
        _lock.EnterWriteLock();
        Interlocked.Increment(ref _replacing);
        Interlocked.Increment(ref _generation);
        return new Scope(this, writing: true);
    }

    /// <summary>Releases the gate on dispose (on the thread that entered it).</summary>
    public readonly struct Scope(StateReplacementGate gate, bool writing) : IDisposable
    {
        public void Dispose()
        {
            if (writing)
            {
                Interlocked.Decrement(ref gate._replacing);
                gate._lock.ExitWriteLock();
            }
            else
            {
                gate._lock.ExitReadLock();
            }
        }
    }
}
