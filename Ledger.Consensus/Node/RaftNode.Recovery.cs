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

    /// <summary>HardStateLost: the latest real term heard from each other voter since recovery began.</summary>
    private readonly Dictionary<ulong, ulong> recoveryTermsHeard = [];

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
            recoveryTermsHeard.Clear();
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

    /// <summary>The watermarks a leader's append or heartbeat carries.</summary>
    private AcknowledgedWatermarks GossipedWatermarks => WatermarksIgnored ? AcknowledgedWatermarks.Empty : watermarks;

    /// <summary>HardStateLost: remember the real term each other voter is at (pre-vote traffic carries future terms).</summary>
    private void RecordTermHeard(Message m)
    {
        if (recovery != RecoveryReason.HardStateLost || m.Term == 0 || m.From == Id || !tracker.IsVoter(m.From))
        {
            return;
        }

        if (m.Type == MessageType.PreVote || (m.Type == MessageType.PreVoteResp && !m.Reject))
        {
            return;
        }

        recoveryTermsHeard[m.From] = recoveryTermsHeard.TryGetValue(m.From, out var heard) ? Math.Max(heard, m.Term) : m.Term;
    }

    /// <summary>
    /// Leaves recovery once the log holds everything the node is known to have acknowledged and everything the leader
    /// had committed when it first reached us; after a lost hard state, also once every other voter's term is known and
    /// ours is not behind it (we may have voted in any term up to the highest: we then count as having voted in it).
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
            ulong highestTerm = 0;
            foreach (var voter in tracker.Voters)
            {
                if (voter == Id)
                {
                    continue;
                }

                if (!recoveryTermsHeard.TryGetValue(voter, out var heard))
                {
                    return;
                }

                highestTerm = Math.Max(highestTerm, heard);
            }

            if (term < highestTerm)
            {
                return;
            }

            if (term == highestTerm && vote == None)
            {
                // We may have granted a vote in this term before the loss: act as if we had (for ourselves).
                vote = Id;
            }
        }

        recovery = RecoveryReason.None;
        recoveryTarget = LogPosition.None;
        recoveryCommitGoal = 0;
        recoveryHeardLeader = false;
        recoveryTermsHeard.Clear();
    }
}
