namespace Ledger.Chaos.Disk;

/// <summary>Sizes and time limits of one byte-flip sweep.</summary>
public sealed record FlipSweepOptions
{
    public required int Flips { get; init; }

    public required int Seed { get; init; }

    /// <summary>Registrations committed before the first flip (submitted concurrently, so many share a block and large blocks go to blob files).</summary>
    public int InitialTransactions { get; init; } = 200;

    /// <summary>Registrations committed while the flipped node is down, so every restart has blocks to catch up on.</summary>
    public int TransactionsPerFlip { get; init; } = 12;

    /// <summary>Time for a node process to start and answer Status (a loaded 2-core machine).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time for a restarted node to reach the healthy height before it counts as not caught up. Polled, so a node
    /// that catches up sooner costs no more; generous, because a node counted as not caught up costs a reset (a
    /// wipe and a leader restart) that takes longer than the wait it saves, and on a loaded machine a node resyncing
    /// from empty took more than 10 s.
    /// </summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for a node put back to its copy from before the flip (or wiped) to catch up before the sweep tries the next remedy.</summary>
    public TimeSpan ResetTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time for every node to reach the leader's height after a leader restart, before the sweep restarts it once more.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The running figure is printed after every this many flips, so a run cut short still reports.</summary>
    public int ProgressEveryFlips { get; init; } = 10;

    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Flips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialTransactions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TransactionsPerFlip, 1);
    }
}
