using Ledger.Node.TestFaults;

namespace Ledger.Node.Consensus;

public sealed class RaftDriverOptions
{
    /// <summary>Inputs (peer messages, proposals, reads) waiting for the loop; beyond it new ones are refused.</summary>
    public int InputQueueCapacity { get; init; } = 16_384;

    /// <summary>
    /// Inputs stepped before the loop ticks and handles a Ready again. Small enough that a flood of
    /// proposals or peer messages delays a due tick (and so a heartbeat) by well under a tick.
    /// </summary>
    public int InputsPerIterationMax { get; init; } = 512;

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>After a stall, catch up at most this many ticks at once (a long GC pause must not look like many election timeouts).</summary>
    public int TicksPerIterationMax { get; init; } = 3;

    /// <summary>fsync Raft writes. Off only for benchmarks that say so.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Linearizable reads waiting for their read index at once.</summary>
    public int PendingReadsMax { get; init; } = 4_096;

    /// <summary>Committed entries handed to the apply stage and not yet applied; new proposals wait from half of it.</summary>
    public int ApplyQueueEntriesMax { get; init; } = 1_024;

    /// <summary>Bytes of committed entries waiting for the apply stage; new proposals wait from half of it.</summary>
    public long ApplyQueueBytesMax { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Run the drive loop and the apply thread above normal scheduling priority, so ticks and heartbeats
    /// are not starved by request processing on a small machine (a starved leader's followers start
    /// elections), and blocks are built ahead of admitting more work.
    /// </summary>
    public bool RaisePriority { get; init; } = true;

    /// <summary>TEST ONLY: planted bugs of the drive loop (<see cref="TestBug.AckBeforeCommit"/>); none by default.</summary>
    public TestBugs TestBugs { get; init; } = TestBugs.None;

    public void Validate()
    {
        if (InputQueueCapacity < 1 || InputsPerIterationMax < 1 || TicksPerIterationMax < 1 || PendingReadsMax < 1)
        {
            throw new InvalidOperationException("driver queue bounds must all be at least 1");
        }

        if (ApplyQueueEntriesMax < 2)
        {
            throw new InvalidOperationException($"ApplyQueueEntriesMax must be at least 2 (proposals wait from half of it), was {ApplyQueueEntriesMax}");
        }

        if (ApplyQueueBytesMax < 2)
        {
            throw new InvalidOperationException($"ApplyQueueBytesMax must be at least 2, was {ApplyQueueBytesMax}");
        }

        if (TickInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"TickInterval must be positive, was {TickInterval}");
        }
    }
}
