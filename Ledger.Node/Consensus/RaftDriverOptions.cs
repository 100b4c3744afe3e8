namespace Ledger.Node.Consensus;

public sealed class RaftDriverOptions
{
    /// <summary>Inputs (peer messages, proposals, reads) waiting for the loop; beyond it new ones are refused.</summary>
    public int InputQueueCapacity { get; init; } = 16_384;

    /// <summary>Inputs stepped before the loop handles a Ready, so one busy peer cannot starve persistence.</summary>
    public int InputsPerIterationMax { get; init; } = 4_096;

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>After a stall, catch up at most this many ticks at once (a long GC pause must not look like many election timeouts).</summary>
    public int TicksPerIterationMax { get; init; } = 3;

    /// <summary>fsync Raft writes. Off only for benchmarks that say so.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Linearizable reads waiting for their read index at once.</summary>
    public int PendingReadsMax { get; init; } = 4_096;
}
