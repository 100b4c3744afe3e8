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
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for a restarted node to reach the healthy height before it counts as not caught up.</summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for a wiped node to rejoin (by snapshot) before the sweep restarts the leader to reset its view of that follower.</summary>
    public TimeSpan ResetTimeout { get; init; } = TimeSpan.FromSeconds(45);

    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Flips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialTransactions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TransactionsPerFlip, 1);
    }
}
