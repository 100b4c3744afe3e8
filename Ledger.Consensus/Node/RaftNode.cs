namespace Ledger.Consensus;

/// <summary>
/// Raft (Ongaro, 2014) as a pure deterministic state machine in the etcd-io/raft shape. It does no I/O,
/// reads no clock and draws randomness only from <see cref="RaftConfig.Random"/>. Not thread-safe:
/// one host loop owns it.
/// </summary>
/// <remarks>
/// Host loop:
/// <code>
/// loop:
///   every tick interval:        node.Tick();
///   for each received message:  node.Step(message);
///   client calls:               node.Propose(data) / ProposeConfChange / ReadIndex / TransferLeadership
///   if (node.HasReady()):
///     var ready = node.GetReady();
///     send ready.MessagesBeforePersist              (a leader's appends: its disk write runs in parallel)
///     persist ready.Snapshot, ready.Entries, ready.HardState (fsync if ready.MustSync)
///     send ready.MessagesAfterPersist
///     apply ready.CommittedEntries (ApplyConfChange for conf change entries); serve ready.ReadStates
///     node.Advance(ready);
/// </code>
/// See <see cref="Ready"/> for the ordering contract.
/// </remarks>
public sealed partial class RaftNode
{
    /// <summary>Marks a vote request sent because of leader transfer: it bypasses the follower lease (§3.10).</summary>
    internal static readonly byte[] CampaignTransferContext = "CampaignTransfer"u8.ToArray();

    private const ulong None = 0;

    private readonly RaftConfig config;
    private readonly IRandomSource random;
    private readonly RaftLog log;
    private readonly ProgressTracker tracker;
    private readonly ReadIndexQueue readIndexQueue = new();
    private readonly List<Message> pendingReadIndexMessages = [];
    /// <summary>Durable entries kept in memory past their persistence at most (four blocks), when not yet applied.</summary>
    private const int HeldDurableEntriesMax = 4 * EntryChunk.StandardSlots;

    // Messages wait in `messages` until GetReady splits them into the two lists the Ready hands out; Advance
    // empties those, so the three lists are reused for the node's lifetime.
    private readonly List<Message> messages = [];
    private readonly List<Message> readyMessagesBeforePersist = [];
    private readonly List<Message> readyMessagesAfterPersist = [];
    private List<ReadState> readStates = [];

    private ulong term;
    private ulong vote;
    private ulong leader;
    private RaftRole role;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    private ulong leadTransferee;
    private ulong pendingConfIndex;
    private long uncommittedBytes;
    private bool broadcastPending;

    /// <summary>Leader: counts the responses it handled, so it can tell which peers answered after another one restarted.</summary>
    private ulong responseSequence;

    /// <summary>
    /// Follower: the highest index an append from the current leader has verified our log matches (log matching,
    /// §3.5) since we last changed term or leader or restarted. A heartbeat's commit is capped at it: the leader
    /// computes that commit from the match it remembers, which a restarted node whose storage lost or rolled back
    /// entries may no longer hold, and committing an unverified stale entry would apply the wrong history.
    /// </summary>
    private ulong leaderVerifiedIndex;

    private Action<Message> stepHandler;
    private Action tickHandler;

    private SoftState previousSoftState;
    private HardState previousHardState;
    private Ready? outstandingReady;

    public RaftNode(RaftConfig config, IRaftLogStorage storage)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(storage);
        config.Validate();
        this.config = config;
        random = config.Random!;
        Id = config.Id;
        log = new RaftLog(storage);
        tracker = new ProgressTracker(config.MaxInflightMessages);

        var initial = storage.InitialState();
        tracker.SetMembership(initial.ConfState, log.LastIndex + 1);
        var hardState = initial.HardState;
        ulong unheldCommit = 0;
        if (!hardState.IsEmpty)
        {
            unheldCommit = LoadHardState(hardState);
        }

        LoadRecovery(hardState, unheldCommit);

        if (config.Applied > 0)
        {
            log.RestoreApplied(config.Applied);
        }

        stepHandler = StepFollower;
        tickHandler = TickElection;
        BecomeFollower(term, None);
        previousSoftState = CurrentSoftState();

        // Recovery the host declared is not on disk yet: the first Ready persists it.
        previousHardState = CurrentHardState() with { Recovery = hardState.Recovery, RecoveryTarget = hardState.RecoveryTarget };
    }

    public ulong Id { get; }

    public RaftRole Role => role;

    public ulong Term => term;

    /// <summary>Known leader, or 0.</summary>
    public ulong Leader => leader;

    public ulong Committed => log.Committed;

    public ulong Applied => log.Applied;

    public ulong LastIndex => log.LastIndex;

    /// <summary>Why this node is recovering (<see cref="RecoveryReason.None"/> when it is not); see <see cref="RaftStatus.Recovering"/>.</summary>
    public RecoveryReason RecoveryReason => ReportedRecoveryReason;

    /// <summary>While recovering: the acknowledged log position the node must reach again.</summary>
    public LogPosition RecoveryTarget => ReportedRecoveryTarget;

    public RaftStatus Status
    {
        get
        {
            var progress = new List<ProgressStatus>();
            if (role == RaftRole.Leader)
            {
                foreach (var pr in tracker.All)
                {
                    progress.Add(new ProgressStatus(pr.Id, pr.Match, pr.Next, pr.State, pr.IsLearner, pr.RecentActive, pr.Inflights.Count)
                    {
                        Recovering = pr.Recovering,
                        Incarnation = pr.Incarnation,
                    });
                }
            }

            return new RaftStatus
            {
                Id = Id,
                HardState = CurrentHardState(),
                SoftState = CurrentSoftState(),
                Applied = log.Applied,
                LastIndex = log.LastIndex,
                LeadTransferee = leadTransferee,
                ConfState = tracker.ConfState(),
                Progress = progress,
                RecoveryReason = ReportedRecoveryReason,
                RecoveryTarget = ReportedRecoveryTarget,
                RecoveryCommitGoal = recoveryHeardLeader ? recoveryCommitGoal : 0,
                Incarnation = config.Incarnation,
            };
        }
    }

    /// <summary>Advances logical time by one tick (elections, heartbeats, check-quorum, transfer timeout).</summary>
    public void Tick()
    {
        TickPeerClaims();
        tickHandler();
    }

    /// <summary>
    /// Feeds a message received from a peer. Returns false when the message was ignored because it is a
    /// local-only kind or a response from a node outside the configuration.
    /// </summary>
    public bool Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsLocalMessage(message.Type))
        {
            return false;
        }

        if (IsResponseMessage(message.Type) && !tracker.Contains(message.From))
        {
            return false;
        }

        StepInternal(message);
        return true;
    }

    /// <summary>Starts an election now (pre-vote first when enabled). For bootstrapping and tests.</summary>
    public void Campaign() => StepInternal(new Message { Type = MessageType.Hup, From = Id });

    /// <summary>Proposes <paramref name="data"/> for the log; throws <see cref="ProposalDroppedException"/> when refused.</summary>
    public void Propose(ReadOnlyMemory<byte> data)
    {
        if (!TryPropose(data, out var reason))
        {
            throw new ProposalDroppedException(reason);
        }
    }

    /// <summary>
    /// Proposes <paramref name="data"/>; false with a reason when refused. On a follower, success only
    /// means the proposal was forwarded: the leader may still drop it.
    /// </summary>
    public bool TryPropose(ReadOnlyMemory<byte> data, out ProposalDropReason reason)
        => TryProposeEntry(EntryType.Normal, data, out reason);

    /// <summary>Proposes a single-server membership change (§4.1). One may be pending at a time.</summary>
    public void ProposeConfChange(ConfChange change)
    {
        if (!TryProposeEntry(EntryType.ConfChange, change.Encode(), out var reason))
        {
            throw new ProposalDroppedException(reason);
        }
    }

    /// <summary>
    /// Requests a linearizable read point (§6.4). The answer arrives as a <see cref="ReadState"/> in a later
    /// <see cref="Ready"/> carrying <paramref name="context"/>; throws <see cref="ProposalDroppedException"/> if
    /// there is no leader to ask or too many reads are pending.
    /// </summary>
    public void ReadIndex(ReadOnlyMemory<byte> context)
    {
        var reason = HandleReadIndex(new Message { Type = MessageType.ReadIndex, From = Id, Context = context });
        if (reason is { } dropped)
        {
            throw new ProposalDroppedException(dropped);
        }
    }

    /// <summary>Asks the leader to hand leadership to <paramref name="target"/> (§3.10).</summary>
    public void TransferLeadership(ulong target) =>
        StepInternal(new Message { Type = MessageType.TransferLeader, From = target });

    /// <summary>The host could not deliver to <paramref name="peer"/>; replication to it falls back to probing.</summary>
    public void ReportUnreachable(ulong peer) =>
        StepInternal(new Message { Type = MessageType.Unreachable, From = peer });

    /// <summary>The host finished (or failed) sending a snapshot to <paramref name="peer"/>.</summary>
    public void ReportSnapshot(ulong peer, SnapshotStatus status) =>
        StepInternal(new Message { Type = MessageType.SnapStatus, From = peer, Reject = status == SnapshotStatus.Failure });

    private static bool IsLocalMessage(MessageType type) =>
        type is MessageType.Hup or MessageType.Beat or MessageType.Unreachable or MessageType.SnapStatus or MessageType.CheckQuorum;

    private static bool IsResponseMessage(MessageType type) =>
        type is MessageType.AppResp or MessageType.VoteResp or MessageType.HeartbeatResp or MessageType.PreVoteResp;

    private SoftState CurrentSoftState() => new(leader, role);

    private HardState CurrentHardState()
    {
        var (reason, target) = PersistedRecovery;
        return new HardState(term, vote, log.Committed)
        {
            Recovery = reason,
            RecoveryTarget = target,
            Watermarks = watermarks,
        };
    }

    /// <summary>
    /// Loads term, vote and commit. Returns the persisted commit index when the log no longer holds it and the host
    /// said the log may be behind (the node then recovers up to it); 0 otherwise.
    /// </summary>
    private ulong LoadHardState(HardState hardState)
    {
        var commit = hardState.Commit;
        ulong unheldCommit = 0;
        if (commit > log.LastIndex && (config.BeginInRecovery != RecoveryReason.None || hardState.IsRecovering))
        {
            // The host knows its log may have lost entries: commit what we still hold and recover the rest.
            unheldCommit = commit;
            commit = Math.Max(log.Committed, log.LastIndex);
        }

        if (commit < log.Committed || commit > log.LastIndex)
        {
            RaftInvariantException.Throw($"Persisted commit {commit} is outside [{log.Committed}, {log.LastIndex}].");
        }

        log.CommitTo(commit);
        term = hardState.Term;
        vote = (config.Bugs & RaftBugs.ForgetVoteOnRestart) != 0 ? None : hardState.Vote;
        return unheldCommit;
    }

    private void Send(Message message)
    {
        if (message.To == Id || message.To == None)
        {
            RaftInvariantException.Throw($"Message {message} is addressed to itself or to nobody.");
        }

        messages.Add(message);
    }
}
