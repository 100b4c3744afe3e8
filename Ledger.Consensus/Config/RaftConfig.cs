namespace Ledger.Consensus;

/// <summary>Every knob and bound of a <see cref="RaftNode"/>. Checked once by <see cref="Validate"/>.</summary>
public sealed record RaftConfig
{
    /// <summary>This node's id; never 0.</summary>
    public ulong Id { get; init; }

    /// <summary>Ticks without hearing from a leader before a follower campaigns; actual timeout is randomized in [ElectionTicks, 2*ElectionTicks).</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between leader heartbeats. Must be less than <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>The host's last applied index when restarting; entries up to it are not delivered again. 0 = from the log's start.</summary>
    public ulong Applied { get; init; }

    /// <summary>Upper bound on entries in one append message.</summary>
    public int MaxEntriesPerAppend { get; init; } = 4096;

    /// <summary>Upper bound on entry bytes in one append message (at least one entry is always sent).</summary>
    public long MaxBytesPerAppend { get; init; } = 1024 * 1024;

    /// <summary>Append messages in flight per follower in the Replicate state (size of the <c>Inflights</c> ring).</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Leader refuses proposals while this many bytes of entry data are uncommitted (0 = no limit). A single entry is always admitted when none are pending.</summary>
    public long MaxUncommittedEntriesBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Upper bound on committed entry bytes handed to the host in one Ready (at least one entry is always handed).</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 16L * 1024 * 1024;

    /// <summary>Upper bound on ReadIndex requests queued at a leader that has not yet committed in its term, or awaiting a heartbeat quorum.</summary>
    public int MaxPendingReadIndexRequests { get; init; } = 4096;

    /// <summary>Run the pre-vote phase before real elections (dissertation §9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>Leader steps down when it has not heard from a quorum for an election timeout; followers in contact with a leader ignore vote requests (§6.2, §9.6).</summary>
    public bool CheckQuorum { get; init; } = true;

    public ReadOnlyOption ReadOnlyOption { get; init; } = ReadOnlyOption.Safe;

    /// <summary>When true, followers drop proposals instead of forwarding them to the leader.</summary>
    public bool DisableProposalForwarding { get; init; }

    /// <summary>
    /// This run of the node (host-supplied; the host persists a boot counter and bumps it at every start, so it is
    /// &gt; 0 and different after every restart). Every message carries it; a leader that sees it change for a
    /// follower resets that follower's progress and re-probes it at once. 0 = not tracked (tests only).
    /// </summary>
    public ulong Incarnation { get; init; }

    /// <summary>
    /// Set by the host when its storage may be behind what this node acknowledged (local damage found, a restored
    /// copy) or its hard state may be lost: the node starts recovering (see <see cref="RecoveryReason"/>) and records
    /// that in its first Ready's hard state. <see cref="RecoveryReason.None"/> (the default) keeps whatever the persisted
    /// hard state says.
    /// </summary>
    public RecoveryReason BeginInRecovery { get; init; } = RecoveryReason.None;

    /// <summary>Source of election jitter. Required: no hidden global randomness.</summary>
    public IRandomSource? Random { get; init; }

    /// <summary>TEST ONLY: deliberate protocol bugs for simulator self-tests. Leave at <see cref="RaftBugs.None"/>.</summary>
    public RaftBugs Bugs { get; init; } = RaftBugs.None;

    /// <summary>Throws <see cref="RaftConfigException"/> naming the first violated rule.</summary>
    public void Validate()
    {
        if (Id == 0)
        {
            throw new RaftConfigException("Id must not be 0 (0 means 'no node').");
        }

        if (HeartbeatTicks <= 0)
        {
            throw new RaftConfigException($"HeartbeatTicks must be greater than 0, got {HeartbeatTicks}.");
        }

        if (ElectionTicks <= HeartbeatTicks)
        {
            throw new RaftConfigException($"ElectionTicks ({ElectionTicks}) must be greater than HeartbeatTicks ({HeartbeatTicks}).");
        }

        if (ElectionTicks > 1_000_000)
        {
            throw new RaftConfigException($"ElectionTicks ({ElectionTicks}) is implausibly large (limit 1000000).");
        }

        if (MaxEntriesPerAppend <= 0)
        {
            throw new RaftConfigException($"MaxEntriesPerAppend must be greater than 0, got {MaxEntriesPerAppend}.");
        }

        if (MaxBytesPerAppend <= 0)
        {
            throw new RaftConfigException($"MaxBytesPerAppend must be greater than 0, got {MaxBytesPerAppend}.");
        }

        if (MaxInflightMessages <= 0)
        {
            throw new RaftConfigException($"MaxInflightMessages must be greater than 0, got {MaxInflightMessages}.");
        }

        if (MaxUncommittedEntriesBytes < 0)
        {
            throw new RaftConfigException($"MaxUncommittedEntriesBytes must be 0 (no limit) or positive, got {MaxUncommittedEntriesBytes}.");
        }

        if (MaxUncommittedEntriesBytes > 0 && MaxUncommittedEntriesBytes < MaxBytesPerAppend)
        {
            throw new RaftConfigException($"MaxUncommittedEntriesBytes ({MaxUncommittedEntriesBytes}) must be at least MaxBytesPerAppend ({MaxBytesPerAppend}) so a full append can be pending.");
        }

        if (MaxCommittedBytesPerReady <= 0)
        {
            throw new RaftConfigException($"MaxCommittedBytesPerReady must be greater than 0, got {MaxCommittedBytesPerReady}.");
        }

        if (MaxPendingReadIndexRequests <= 0)
        {
            throw new RaftConfigException($"MaxPendingReadIndexRequests must be greater than 0, got {MaxPendingReadIndexRequests}.");
        }

        if (ReadOnlyOption == ReadOnlyOption.LeaseBased && !CheckQuorum)
        {
            throw new RaftConfigException("ReadOnlyOption.LeaseBased requires CheckQuorum: the lease is only sound while the leader steps down without a quorum.");
        }

        if (!Enum.IsDefined(BeginInRecovery) || BeginInRecovery == RecoveryReason.AcknowledgedWatermark)
        {
            throw new RaftConfigException($"BeginInRecovery must be None, LogMayBeBehind or HardStateLost, got {BeginInRecovery}.");
        }

        if (BeginInRecovery == RecoveryReason.HardStateLost && Incarnation == 0)
        {
            throw new RaftConfigException("BeginInRecovery = HardStateLost needs an Incarnation (> 0): leaving that recovery waits for a leader's word about this incarnation.");
        }

        if (Random is null)
        {
            throw new RaftConfigException("Random must be set to an injected (seeded) IRandomSource.");
        }
    }
}
