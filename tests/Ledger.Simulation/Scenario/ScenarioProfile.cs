namespace Ledger.Simulation;

/// <summary>
/// How hostile one simulated run is. Probabilities are per mille per tick unless named otherwise.
/// Two named profiles exist: <see cref="Mixed"/> (the CI default) and <see cref="Hostile"/> (more crashes,
/// partitions, slow disks and long delays: the mix the bug-finding tests use).
/// </summary>
public sealed record ScenarioProfile
{
    public required string Name { get; init; }

    /// <summary>Each message is delayed uniformly in [1, DelayTicksMax] ticks; different delays reorder.</summary>
    public int DelayTicksMax { get; init; } = 3;

    public int DropPerMille { get; init; } = 20;

    public int DuplicatePerMille { get; init; } = 10;

    public int ProposePerMille { get; init; } = 300;

    /// <summary>Upper bound on proposals submitted in one burst.</summary>
    public int ProposalBurstMax { get; init; } = 4;

    public int ConfChangePerMille { get; init; } = 8;

    public int TransferPerMille { get; init; } = 5;

    public int SnapshotPerMille { get; init; } = 15;

    public int CrashPerMille { get; init; } = 8;

    public int RestartTicksMin { get; init; } = 5;

    public int RestartTicksMax { get; init; } = 60;

    public int PartitionPerMille { get; init; } = 6;

    public int HealPerMille { get; init; } = 25;

    /// <summary>Per node per tick: the node's clock jumps and it ticks several times at once.</summary>
    public int ClockJumpPerMille { get; init; } = 3;

    public int ClockJumpTicksMax { get; init; } = 15;

    /// <summary>Per Ready that needs persistence: the disk completes only after a delay.</summary>
    public int SlowDiskPerMille { get; init; } = 60;

    public int SlowDiskTicksMax { get; init; } = 6;

    /// <summary>Per node per tick: the OS writes back unsynced state on its own.</summary>
    public int BackgroundFlushPerMille { get; init; } = 30;

    /// <summary>Chance per seed that the nodes run with pre-vote (§9.6); without it split votes are common.</summary>
    public int PreVotePerMille { get; init; } = 700;

    /// <summary>Chance per seed that the nodes run with check-quorum and the follower lease.</summary>
    public int CheckQuorumPerMille { get; init; } = 700;

    /// <summary>Of the crashes, the share aimed at the current leader rather than a random node.</summary>
    public int CrashLeaderPerMille { get; init; } = 200;

    /// <summary>Per synced Ready: crash right after it (its messages already sent) and come back within a few ticks.</summary>
    public int CrashAfterSyncPerMille { get; init; } = 2;

    /// <summary>
    /// Per Ready that sends messages before persisting: crash after they left and before the write (a leader's
    /// entries reach followers, then vanish from the leader), and come back within a few ticks.
    /// </summary>
    public int CrashBeforePersistPerMille { get; init; } = 2;

    /// <summary>
    /// Of the crashes, the share after which the node's disk comes back having lost its log tail beyond its commit and
    /// applied index (a silently cut log), entries it may have acknowledged; one damaged node at a time. Raft alone
    /// cannot tolerate this; acknowledged watermarks and incarnations make it safe.
    /// </summary>
    public int RollbackPerMille { get; init; }

    /// <summary>Of the partitions, the share that isolates the current leader (so it appends alone).</summary>
    public int IsolateLeaderPerMille { get; init; } = 200;

    /// <summary>One of these is drawn per seed as the nodes' <c>MaxEntriesPerAppend</c> (small values expose commit-rule bugs).</summary>
    public IReadOnlyList<int> MaxEntriesPerAppendChoices { get; init; } = [1, 4, 64];

    /// <summary>Default mix for CI: all faults present, at rates where most seeds still make progress.</summary>
    public static ScenarioProfile Mixed { get; } = new() { Name = "mixed" };

    /// <summary>More crashes (with quick restarts), partitions, slow disks and long delays.</summary>
    public static ScenarioProfile Hostile { get; } = new()
    {
        Name = "hostile",
        DelayTicksMax = 8,
        DropPerMille = 40,
        DuplicatePerMille = 20,
        CrashPerMille = 30,
        RestartTicksMin = 1,
        RestartTicksMax = 10,
        PreVotePerMille = 300,
        CheckQuorumPerMille = 500,
        CrashLeaderPerMille = 500,
        CrashAfterSyncPerMille = 40,
        CrashBeforePersistPerMille = 40,
        IsolateLeaderPerMille = 500,
        PartitionPerMille = 20,
        HealPerMille = 40,
        ClockJumpPerMille = 6,
        SlowDiskPerMille = 250,
        SlowDiskTicksMax = 12,
        TransferPerMille = 10,
        MaxEntriesPerAppendChoices = [1, 1, 2, 8],
    };

    /// <summary>The hostile mix where a crashed node's disk often comes back having lost what it acknowledged.</summary>
    public static ScenarioProfile Rollback { get; } = Hostile with { Name = "rollback", RollbackPerMille = 500 };

    public static ScenarioProfile ByName(string name) => name switch
    {
        "mixed" => Mixed,
        "hostile" => Hostile,
        "rollback" => Rollback,
        _ => throw new ArgumentException($"Unknown profile '{name}' (expected 'mixed', 'hostile' or 'rollback')."),
    };
}
