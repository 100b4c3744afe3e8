namespace Ledger.Consensus;

/// <summary>
/// Protocol-aware recovery (Alagappan et al., FAST'18): a node never silently forgets what it acknowledged.
/// A node whose durable state may be behind what it acknowledged is <em>recovering</em>: it grants no vote,
/// never campaigns and marks its messages <see cref="Message.Recovering"/> so leaders do not count it toward
/// commit, until it has re-fetched what it is missing from a leader. It learns that it is behind from the host
/// (<see cref="RaftConfig.BeginInRecovery"/>) or from the acknowledged watermarks leaders gossip
/// (<see cref="AcknowledgedWatermarks"/>), which candidates and voters also check against each other.
/// </summary>
public sealed partial class RaftNode
{
    private RecoveryReason recovery;
    private LogPosition recoveryTarget;

    /// <summary>Commit index the node must reach: the persisted one it could not honour, then the leader's at first contact.</summary>
    private ulong recoveryCommitGoal;

    /// <summary>A leader's append or heartbeat has been handled since recovery began (the commit goal includes its commit index).</summary>
    private bool recoveryHeardLeader;

    /// <summary>HardStateLost: a leader of our term confirmed every other voter answered it after we restarted.</summary>
    private bool recoveryVotersHeard;

    private AcknowledgedWatermarks watermarks = AcknowledgedWatermarks.Empty;

    private bool IsRecovering => recovery != RecoveryReason.None;

    private bool WatermarksIgnored => (config.Bugs & RaftBugs.IgnoreAcknowledgedWatermarks) != 0;

    private LogPosition OwnLastPosition => new(log.LastIndex, log.LastTerm);

    /// <summary>Restores recovery and watermarks from the persisted hard state, then applies the host's verdict.</summary>
    private void LoadRecovery(HardState hardState, ulong unheldCommit)
    {
        watermarks = hardState.Watermarks;
        recovery = hardState.Recovery;
        recoveryTarget = hardState.RecoveryTarget;
        recoveryCommitGoal = unheldCommit;
        if (config.BeginInRecovery != RecoveryReason.None)
        {
            EnterRecovery(config.BeginInRecovery, LogPosition.None);
        }

        // A log that lost its tail while the hard state survived: we know ourselves what we acknowledged.
        if (!WatermarksIgnored)
        {
            CheckOwnWatermark(watermarks.For(Id));
        }
    }

    /// <summary>
    /// Starts (or deepens) recovery toward <paramref name="target"/>. A leader or candidate steps down: a node that
    /// may lack what it acknowledged has no business leading.
    /// </summary>
    private void EnterRecovery(RecoveryReason reason, LogPosition target)
    {
        if (!IsRecovering)
        {
            recoveryHeardLeader = false;
            recoveryVotersHeard = false;
        }

        recovery = reason > recovery ? reason : recovery;
        recoveryTarget = LogPosition.Max(recoveryTarget, target);
        if (role is RaftRole.Leader or RaftRole.Candidate or RaftRole.PreCandidate)
        {
            BecomeFollower(term, None);
        }
    }

    /// <summary>A leader's append, heartbeat or snapshot was handled: its commit index joins the goal once.</summary>
    private void ObserveLeaderContact(Message m)
    {
        if (!IsRecovering)
        {
            return;
        }

        if (!recoveryHeardLeader)
        {
            recoveryHeardLeader = true;
            recoveryCommitGoal = Math.Max(recoveryCommitGoal, m.Commit);
        }
    }

    /// <summary>Merges the leader's watermarks, then checks our own log against what we are known to have acknowledged.</summary>
    private void ObserveLeaderWatermarks(Message m)
    {
        if (WatermarksIgnored || m.Watermarks.IsEmpty)
        {
            return;
        }

        watermarks = watermarks.Raise(m.Watermarks.Items, tracker.Voters);
        CheckOwnWatermark(watermarks.For(Id));
    }

    /// <summary>Enters recovery when our log is behind <paramref name="acknowledged"/>, a position we are known to have acknowledged.</summary>
    private void CheckOwnWatermark(LogPosition acknowledged)
    {
        if (!acknowledged.IsNone && OwnLastPosition < acknowledged)
        {
            EnterRecovery(RecoveryReason.AcknowledgedWatermark, acknowledged);
        }
    }

    /// <summary>
    /// Vote traffic carries watermarks both ways: a request the one the candidate holds for us, a refusal the one the
    /// voter holds for the candidate. Either way, a log behind it has forgotten what it acknowledged.
    /// </summary>
    private void ObserveVoteWatermark(Message m)
    {
        if (WatermarksIgnored || m.AckedWatermark.IsNone)
        {
            return;
        }

        var carriesOurs = m.Type is MessageType.Vote or MessageType.PreVote
            || (m.Type is MessageType.VoteResp or MessageType.PreVoteResp && m.Reject);
        if (carriesOurs)
        {
            CheckOwnWatermark(m.AckedWatermark);
        }
    }

    /// <summary>
    /// A recovering node may lack what it acknowledged, so it grants no vote — except, when it knows exactly what it
    /// acknowledged (a watermark target, term and vote intact), to a candidate at least as up-to-date as that target:
    /// the vote then means what it would have meant from its intact log (the §3.6.3 argument holds with the
    /// acknowledged log in place of the current one), and a cluster where a majority recovers can still elect.
    /// </summary>
    private bool MayVoteWhileRecovering(LogPosition candidateLast) =>
        !IsRecovering || (recovery == RecoveryReason.AcknowledgedWatermark && candidateLast >= recoveryTarget);

    /// <summary>The watermark to put in a vote request to <paramref name="voter"/>.</summary>
    private LogPosition WatermarkFor(ulong voter) => WatermarksIgnored ? LogPosition.None : watermarks.For(voter);

    /// <summary>Leader: <paramref name="pr"/> acknowledged up to its match; remember it (and gossip it).</summary>
    private void RaiseWatermark(Progress pr)
    {
        if (WatermarksIgnored || pr.Match == 0 || !log.TryTerm(pr.Match, out var matchTerm) || !tracker.IsVoter(pr.Id))
        {
            return;
        }

        var position = new LogPosition(pr.Match, matchTerm);
        if (watermarks.For(pr.Id) >= position)
        {
            return;
        }

        watermarks = watermarks.Raise([new AcknowledgedWatermark(pr.Id, position)], tracker.Voters);
    }

    /// <summary>
    /// Records our own acknowledgement of <paramref name="last"/> in the hard state persisted with it (same Ready, same
    /// write): a node whose log later loses entries while its hard state survives knows it at restart.
    /// </summary>
    private void RaiseOwnWatermark(Entry last)
    {
        var position = new LogPosition(last.Index, last.Term);
        if (WatermarksIgnored || !tracker.IsVoter(Id) || watermarks.For(Id) >= position)
        {
            return;
        }

        watermarks = watermarks.Raise([new AcknowledgedWatermark(Id, position)], tracker.Voters);
    }

    /// <summary>The watermarks a leader's append or heartbeat carries.</summary>
    private AcknowledgedWatermarks GossipedWatermarks => WatermarksIgnored ? AcknowledgedWatermarks.Empty : watermarks;

    /// <summary>
    /// HardStateLost: the leader says every other voter has answered it in its term since it first heard this
    /// incarnation of us. Each of them was then at the leader's term, so no candidate we might have voted for before
    /// losing our vote ever campaigned in a later term than ours.
    /// </summary>
    private void ObserveVotersHeard(Message m)
    {
        if (m.VotersHeardIncarnation != 0 && m.VotersHeardIncarnation == config.Incarnation && m.Term == term)
        {
            recoveryVotersHeard = true;
        }
    }

    /// <summary>Leader: has every other voter answered since we first heard <paramref name="pr"/>'s current incarnation?</summary>
    private bool OtherVotersHeardSince(Progress pr)
    {
        foreach (var voter in tracker.Voters)
        {
            if (voter == Id || voter == pr.Id)
            {
                continue;
            }

            if (!tracker.TryGet(voter, out var other) || other.LastResponseSequence <= pr.IncarnationHeardSequence)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Leaves recovery once the log holds everything the node is known to have acknowledged and everything the leader
    /// had committed when it first reached us; after a lost hard state, also once the leader confirms every other voter
    /// answered it in our common term after we restarted (any term we may have voted in is then at most this one, and
    /// we count as having voted in it for that leader). Liveness cost: while a voter is unreachable, we stay recovering.
    /// The cleared state is persisted by the Ready that carries the entries completing it.
    /// </summary>
    private void MaybeExitRecovery()
    {
        if (!IsRecovering || !recoveryHeardLeader || role != RaftRole.Follower)
        {
            return;
        }

        if (log.Committed < recoveryCommitGoal || OwnLastPosition < recoveryTarget)
        {
            return;
        }

        if (recovery == RecoveryReason.HardStateLost)
        {
            if (!recoveryVotersHeard || leader == None)
            {
                return;
            }

            if (vote == None)
            {
                // We may have voted in this term before the loss: count as having voted for the leader we follow.
                vote = leader;
            }
        }

        recovery = RecoveryReason.None;
        recoveryTarget = LogPosition.None;
        recoveryCommitGoal = 0;
        recoveryHeardLeader = false;
        recoveryVotersHeard = false;
    }
}
