namespace Ledger.Consensus;

/// <summary>
/// Protocol-aware recovery (Alagappan et al., FAST'18): a node never silently forgets what it acknowledged.
/// A node whose durable state may be behind what it acknowledged is <em>recovering</em>: it grants no vote,
/// never campaigns and marks its messages <see cref="Message.Recovering"/> so leaders do not count it toward
/// commit, until it has re-fetched what it is missing from a leader. It learns that it is behind from the host
/// (<see cref="RaftConfig.BeginInRecovery"/>), from its own acknowledged watermark (a log behind what the node itself
/// recorded acknowledging), or from peers' claims (<see cref="PeerClaims"/>): the acknowledged watermarks leaders gossip
/// (<see cref="AcknowledgedWatermarks"/>) and the ones candidates and voters send each other. What the node knows
/// itself is durable; what peers claim binds only while they re-assert it (a hostile peer may lie), and a legitimate
/// leader clips every claim to its own log.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// Election timeouts a peer's claim binds after its source last asserted it (see <see cref="PeerClaims"/>). An
    /// honest campaigner re-asserts at every randomized election timeout (below two election timeouts), so a claim it
    /// keeps making never lapses unless two consecutive re-assertions are lost; a silent forger's claim lapses.
    /// </summary>
    public const int PeerClaimHoldElectionTimeouts = 4;

    /// <summary>Recovery the node knows of itself (the host's verdict, its own watermark): durable, never lapses.</summary>
    private RecoveryReason recovery;

    /// <summary>While durably recovering: the position its own watermark says it acknowledged (none = only the commit goal).</summary>
    private LogPosition recoveryTarget;

    private readonly PeerClaims peerClaims = new();

    /// <summary>Commit index the node must reach: the persisted one it could not honour, then the leader's at first contact.</summary>
    private ulong recoveryCommitGoal;

    /// <summary>A leader's append or heartbeat has been handled since recovery began (the commit goal includes its commit index).</summary>
    private bool recoveryHeardLeader;

    /// <summary>HardStateLost: a leader of our term confirmed every other voter answered it after we restarted.</summary>
    private bool recoveryVotersHeard;

    private AcknowledgedWatermarks watermarks = AcknowledgedWatermarks.Empty;

    /// <summary>Durably recovering: the node itself knows it may lack what it acknowledged.</summary>
    private bool IsDurablyRecovering => recovery != RecoveryReason.None;

    /// <summary>A peer's claim still binds: the node grants only votes at least that up-to-date and never campaigns.</summary>
    private bool IsRestrictedByClaim => peerClaims.Held > OwnLastPosition;

    /// <summary>
    /// A peer's claim lapsed but the log never reached it and no leader clipped it: the node votes and campaigns again,
    /// but is no witness — it marks its messages recovering (leaders do not count it toward commit, peers ignore its
    /// claims) and refuses no candidate on its watermark table, which came from the same unconfirmed source.
    /// </summary>
    private bool IsDoubting => peerClaims.Doubted > OwnLastPosition;

    /// <summary>What the node's messages say: recovering for any reason, durable, held or doubted.</summary>
    private bool IsRecovering => IsDurablyRecovering || IsRestrictedByClaim || IsDoubting;

    /// <summary>May not campaign: durably recovering or bound by a held claim.</summary>
    private bool IsBarredFromCampaigning => IsDurablyRecovering || IsRestrictedByClaim;

    private int PeerClaimHoldTicks => PeerClaimHoldElectionTimeouts * config.ElectionTicks;

    /// <summary>The recovery reason the status reports: the durable one, else <see cref="RecoveryReason.AcknowledgedWatermark"/> while a claim binds or is doubted.</summary>
    private RecoveryReason ReportedRecoveryReason =>
        IsDurablyRecovering ? recovery : IsRestrictedByClaim || IsDoubting ? RecoveryReason.AcknowledgedWatermark : RecoveryReason.None;

    /// <summary>The target the status reports: the durable one and every claim above the log.</summary>
    private LogPosition ReportedRecoveryTarget =>
        LogPosition.Max(recoveryTarget, IsDoubting ? peerClaims.Doubted : LogPosition.None);

    /// <summary>
    /// What the hard state records: the durable recovery, plus a held leader's claim (a restart re-arms it as a claim
    /// from <see cref="PeerClaims.PersistedSource"/>). Vote traffic is never persisted: it binds only while re-asserted.
    /// </summary>
    private (RecoveryReason Reason, LogPosition Target) PersistedRecovery
    {
        get
        {
            var leaderClaim = peerClaims.HeldFromLeader;
            if (leaderClaim <= OwnLastPosition)
            {
                leaderClaim = LogPosition.None;
            }

            var reason = IsDurablyRecovering ? recovery : leaderClaim.IsNone ? RecoveryReason.None : RecoveryReason.AcknowledgedWatermark;
            return (reason, LogPosition.Max(recoveryTarget, leaderClaim));
        }
    }

    private bool WatermarksIgnored => (config.Bugs & RaftBugs.IgnoreAcknowledgedWatermarks) != 0;

    private LogPosition OwnLastPosition => new(log.LastIndex, log.LastTerm);

    /// <summary>Restores recovery and watermarks from the persisted hard state, then applies the host's verdict.</summary>
    private void LoadRecovery(HardState hardState, ulong unheldCommit)
    {
        watermarks = hardState.Watermarks;

        // The host's verdicts stay; a persisted watermark target is re-armed as a claim (its source may have lied),
        // and our own watermark is checked again below.
        recovery = hardState.Recovery >= RecoveryReason.LogMayBeBehind ? hardState.Recovery : RecoveryReason.None;
        recoveryTarget = LogPosition.None;
        peerClaims.Assert(PeerClaims.PersistedSource, hardState.RecoveryTarget, PeerClaimHoldTicks, fromLeader: true);
        recoveryCommitGoal = unheldCommit;
        if (unheldCommit > 0)
        {
            // Our own hard state says more is committed than the log holds: that we know ourselves.
            EnterRecovery(RecoveryReason.LogMayBeBehind, LogPosition.None);
        }

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
        if (!IsDurablyRecovering)
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
        if (!IsDurablyRecovering)
        {
            return;
        }

        if (!recoveryHeardLeader)
        {
            recoveryHeardLeader = true;
            recoveryCommitGoal = Math.Max(recoveryCommitGoal, m.Commit);
        }
    }

    /// <summary>
    /// Our current-term leader's gossip. Every watermark a legitimate leader holds is at most its last log position:
    /// entries of its term exist only in its log, older ones lie below its term's first entry (its no-op), and what
    /// followers acknowledged to it stays in its log (a leader never truncates). A heartbeat carries that position
    /// (Index, LogTerm); an append shows at least its own last entry, and the gossip the leader's own watermark. Each
    /// gossiped entry is merged clipped to that bound. A heartbeat's bound is the leader's whole log, so it also clips
    /// our claims and our durable target: by Leader Completeness every committed entry is in the leader's log, so what
    /// lies beyond it was never committed. The leader's entry for us becomes its claim (re-asserted by each message),
    /// never our own table entry, so a peer's word never comes back from our own record after a restart.
    /// </summary>
    private void ObserveLeaderWatermarks(Message m)
    {
        if (WatermarksIgnored || m.From != leader || m.Term != term)
        {
            return;
        }

        var wholeLog = m.Type == MessageType.Heartbeat;
        var leaderLast = wholeLog ? new LogPosition(m.Index, m.LogTerm) : LogPosition.Max(m.Watermarks.For(m.From), LastPositionIn(m));
        if (leaderLast.IsNone)
        {
            // A leader that shows no position of its own vouches for nothing.
            return;
        }

        if (wholeLog)
        {
            peerClaims.ClipTo(leaderLast);
            if (!recoveryTarget.IsNone && recoveryTarget.Term <= term && recoveryTarget > leaderLast)
            {
                // Only a lost hard state lets our own target name a term beyond the one we follow: leave that one alone.
                recoveryTarget = leaderLast;
            }
        }

        if (m.Watermarks.IsEmpty)
        {
            return;
        }

        var clipped = new List<AcknowledgedWatermark>(m.Watermarks.Count);
        foreach (var item in m.Watermarks.Items)
        {
            if (item.NodeId != Id)
            {
                clipped.Add(item with { Position = item.Position > leaderLast ? leaderLast : item.Position });
            }
        }

        watermarks = watermarks.Raise(clipped, tracker.Voters);
        var claimed = m.Watermarks.For(Id);
        claimed = claimed > leaderLast ? leaderLast : claimed;

        // An append's bound may be short of the leader's log: it only ever raises the leader's claim, never lowers it.
        if (claimed > OwnLastPosition && (wholeLog || claimed >= peerClaims.For(m.From)))
        {
            peerClaims.Assert(m.From, claimed, PeerClaimHoldTicks, fromLeader: true);
        }

        CheckOwnWatermark(watermarks.For(Id));
    }

    /// <summary>The position of the last entry an append carries (or of the entry it follows).</summary>
    private static LogPosition LastPositionIn(Message m) =>
        m.Entries.IsEmpty ? new LogPosition(m.Index, m.LogTerm) : new LogPosition(m.Entries.Span[^1].Index, m.Entries.Span[^1].Term);

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
    /// voter holds for the candidate. Either way, a log behind it may have forgotten what it acknowledged — if the
    /// sender tells the truth. It becomes that sender's claim: it binds while re-asserted (an honest candidate repeats
    /// it in every campaign, and a vote request always carries it, so we never grant that candidate a vote without
    /// seeing it), is never persisted, and is ignored from a sender that itself recovers or doubts (no witness).
    /// Only called for a message Raft acts on (not stale, not ignored under a leader's lease), never at a leader.
    /// </summary>
    private void ObserveVoteClaim(Message m)
    {
        if (WatermarksIgnored || m.AckedWatermark.IsNone || m.Recovering || role == RaftRole.Leader)
        {
            return;
        }

        var carriesOurs = m.Type is MessageType.Vote or MessageType.PreVote
            || (m.Type is MessageType.VoteResp or MessageType.PreVoteResp && m.Reject);
        if (!carriesOurs || m.AckedWatermark <= OwnLastPosition)
        {
            return;
        }

        peerClaims.Assert(m.From, m.AckedWatermark, PeerClaimHoldTicks, fromLeader: false);
        if (role is RaftRole.Candidate or RaftRole.PreCandidate)
        {
            BecomeFollower(term, None);
        }
    }

    /// <summary>One tick: held claims come closer to lapsing.</summary>
    private void TickPeerClaims()
    {
        if (!peerClaims.IsEmpty)
        {
            peerClaims.Tick();
            peerClaims.ForgetReached(OwnLastPosition);
        }
    }

    /// <summary>
    /// A recovering node may lack what it acknowledged, so it grants no vote — except, when it knows exactly what it
    /// acknowledged (a watermark target, term and vote intact), to a candidate at least as up-to-date as that target:
    /// the vote then means what it would have meant from its intact log (the §3.6.3 argument holds with the
    /// acknowledged log in place of the current one), and a cluster where a majority recovers can still elect.
    /// </summary>
    private bool MayVoteWhileRecovering(LogPosition candidateLast)
    {
        if (IsDurablyRecovering && !(recovery == RecoveryReason.AcknowledgedWatermark && candidateLast >= recoveryTarget))
        {
            return false;
        }

        return !IsRestrictedByClaim || candidateLast >= peerClaims.Held;
    }

    /// <summary>
    /// May our table's word about a candidate refuse it? Not while peers say we forgot ourselves: our table came from
    /// the same unconfirmed source, and two nodes told they both forgot would otherwise refuse each other for good.
    /// </summary>
    private bool TableIsWitness => !IsRestrictedByClaim && !IsDoubting;

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
        if (!peerClaims.IsEmpty)
        {
            peerClaims.ForgetReached(OwnLastPosition);
        }

        if (!IsDurablyRecovering || !recoveryHeardLeader || role != RaftRole.Follower)
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
