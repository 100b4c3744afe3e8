using Ledger.Consensus;
using Ledger.Node.Peers;

namespace Ledger.Node.Tests.Peers;

/// <summary>The peer boundary's rules, one per test: what a peer may send to this node, given what this node knows.</summary>
[TestFixture]
public sealed class PeerMessageValidatorTests
{
    private static readonly PeerMessageBounds Bounds = new(EntriesPerAppendMax: 4, EntryBytesPerAppendMax: 100);
    private static readonly ConfState Voters = new([1, 2, 3], [4]);

    // Node 1, a follower of leader 2 in term 5, holding entries up to 10 and committed to 8.
    private static readonly LocalRaftView Follower = new(1, 5, 2, RaftRole.Follower, 10, 8, Voters);
    private static readonly LocalRaftView Leader = new(1, 5, 1, RaftRole.Leader, 10, 8, Voters);
    private static readonly LocalRaftView Candidate = new(1, 5, 0, RaftRole.Candidate, 10, 8, Voters);

    [Test]
    public void Check_AppendFromLeaderWithContiguousEntries_Accepted()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 5), Entry(12, 5));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_Proposal_RefusedAsProposalFromPeer()
    {
        var proposal = new Message { Type = MessageType.Prop, From = 2, To = 1, Entries = new[] { new Entry(0, 0, EntryType.Normal, new byte[] { 1 }) } };

        Assert.That(Check(proposal, Leader), Is.EqualTo(PeerFrameRefusal.ProposalFromPeer));
    }

    [Test]
    public void Check_ProposalOfMembershipChange_RefusedAsMembershipChange()
    {
        var proposal = new Message { Type = MessageType.Prop, From = 2, To = 1, Entries = new[] { new Entry(0, 0, EntryType.ConfChange, new ConfChange(ConfChangeType.AddNode, 9).Encode()) } };

        Assert.That(Check(proposal, Leader), Is.EqualTo(PeerFrameRefusal.MembershipChangeFromPeer));
    }

    [Test]
    public void Check_TransferLeaderFromPeer_Refused()
    {
        var transfer = new Message { Type = MessageType.TransferLeader, From = 2, To = 1, Term = 5 };

        Assert.That(Check(transfer, Leader), Is.EqualTo(PeerFrameRefusal.LeadershipTransferFromPeer));
    }

    [TestCase(MessageType.Hup)]
    [TestCase(MessageType.Beat)]
    [TestCase(MessageType.Unreachable)]
    [TestCase(MessageType.SnapStatus)]
    [TestCase(MessageType.CheckQuorum)]
    [TestCase((MessageType)200)]
    public void Check_LocalOnlyKind_Refused(MessageType type)
    {
        Assert.That(Check(new Message { Type = type, From = 2, To = 1, Term = 5 }, Follower), Is.EqualTo(PeerFrameRefusal.LocalOnlyType));
    }

    [Test]
    public void Check_SnapOnRaftStream_Refused()
    {
        Assert.That(Check(new Message { Type = MessageType.Snap, From = 2, To = 1, Term = 5 }, Follower), Is.EqualTo(PeerFrameRefusal.SnapshotOutsideInstall));
    }

    [Test]
    public void Check_AppendWithGapInIndexes_RefusedAsNotContiguous()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 5), Entry(13, 5));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.EntriesNotContiguous));
    }

    [Test]
    public void Check_AppendWhoseFirstEntryIsNotIndexPlusOne_RefusedAsNotContiguous()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(2, 5));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.EntriesNotContiguous));
    }

    [Test]
    public void Check_AppendWithDecreasingEntryTerms_RefusedAsEntryTermInvalid()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 4, Entry(11, 5), Entry(12, 4));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.EntryTermInvalid));
    }

    [Test]
    public void Check_AppendWithEntryTermAboveMessageTerm_RefusedAsEntryTermInvalid()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 6));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.EntryTermInvalid));
    }

    [Test]
    public void Check_AppendWithMoreEntriesThanTheBound_RefusedAsTooManyEntries()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 5), Entry(12, 5), Entry(13, 5), Entry(14, 5), Entry(15, 5));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.TooManyEntries));
    }

    [Test]
    public void Check_AppendWithMoreBytesThanTheBound_RefusedAsTooLarge()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, new Entry(5, 11, EntryType.Normal, new byte[101]));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.EntriesTooLarge));
    }

    [Test]
    public void Check_AppendWithUndecodableConfChange_Refused()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, new Entry(5, 11, EntryType.ConfChange, new byte[] { 1 }));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.ConfChangeUndecodable));
    }

    [Test]
    public void Check_AppendInThisTermFromNonLeader_RefusedAsNotFromLeader()
    {
        var append = App(from: 3, term: 5, index: 10, logTerm: 5, Entry(11, 5));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.NotFromLeader));
    }

    [Test]
    public void Check_AppendInThisTermToTheLeaderOfThisTerm_RefusedAsNotFromLeader()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 5));

        Assert.That(Check(append, Leader), Is.EqualTo(PeerFrameRefusal.NotFromLeader));
    }

    [Test]
    public void Check_AppendOfANewerTermFromAnotherNode_AcceptedAsANewLeader()
    {
        var append = App(from: 3, term: 6, index: 10, logTerm: 5, Entry(11, 6));

        Assert.That(Check(append, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_TimeoutNowFromNonLeader_Refused()
    {
        Assert.That(Check(new Message { Type = MessageType.TimeoutNow, From = 3, To = 1, Term = 5 }, Follower), Is.EqualTo(PeerFrameRefusal.NotFromLeader));
    }

    [Test]
    public void Check_TimeoutNowFromLeaderWithNewerTerm_Refused()
    {
        Assert.That(Check(new Message { Type = MessageType.TimeoutNow, From = 2, To = 1, Term = 6 }, Follower), Is.EqualTo(PeerFrameRefusal.NotFromLeader));
    }

    [Test]
    public void Check_TimeoutNowFromCurrentLeader_Accepted()
    {
        Assert.That(Check(new Message { Type = MessageType.TimeoutNow, From = 2, To = 1, Term = 5 }, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_ReadIndexRespWithShortContext_RefusedAsContextInvalid()
    {
        var response = new Message { Type = MessageType.ReadIndexResp, From = 2, To = 1, Term = 5, Index = 9, Context = new byte[] { 1, 2, 3 } };

        Assert.That(Check(response, Follower), Is.EqualTo(PeerFrameRefusal.ContextInvalid));
    }

    [Test]
    public void Check_ReadIndexRespFromNonLeader_Refused()
    {
        var response = new Message { Type = MessageType.ReadIndexResp, From = 3, To = 1, Term = 5, Index = 9, Context = new byte[8] };

        Assert.That(Check(response, Follower), Is.EqualTo(PeerFrameRefusal.NotFromLeader));
    }

    [Test]
    public void Check_ReadIndexAtFollower_RefusedAsStaleForRole()
    {
        var read = new Message { Type = MessageType.ReadIndex, From = 3, To = 1, Context = new byte[8] };

        Assert.That(Check(read, Follower), Is.EqualTo(PeerFrameRefusal.StaleForRole));
    }

    [Test]
    public void Check_ReadIndexFromMemberAtLeader_Accepted()
    {
        var read = new Message { Type = MessageType.ReadIndex, From = 3, To = 1, Context = new byte[8] };

        Assert.That(Check(read, Leader), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_VoteRequestFromLearner_RefusedAsNotVoter()
    {
        Assert.That(Check(new Message { Type = MessageType.Vote, From = 4, To = 1, Term = 6, Index = 10, LogTerm = 5 }, Follower), Is.EqualTo(PeerFrameRefusal.SenderNotVoter));
    }

    [Test]
    public void Check_VoteRequestWithForeignContext_RefusedAsContextInvalid()
    {
        var vote = new Message { Type = MessageType.Vote, From = 3, To = 1, Term = 6, Index = 10, LogTerm = 5, Context = new byte[] { 9 } };

        Assert.That(Check(vote, Follower), Is.EqualTo(PeerFrameRefusal.ContextInvalid));
    }

    [Test]
    public void Check_AppendResponseAtFollower_RefusedAsStaleForRole()
    {
        Assert.That(Check(new Message { Type = MessageType.AppResp, From = 3, To = 1, Term = 5, Index = 10 }, Follower), Is.EqualTo(PeerFrameRefusal.StaleForRole));
    }

    [Test]
    public void Check_AppendResponseBeyondLeadersLog_RefusedAsIndexOutOfRange()
    {
        Assert.That(Check(new Message { Type = MessageType.AppResp, From = 3, To = 1, Term = 5, Index = 11 }, Leader), Is.EqualTo(PeerFrameRefusal.IndexOutOfRange));
    }

    [Test]
    public void Check_RejectingAppendResponseWithHintAboveIndex_RefusedAsIndexOutOfRange()
    {
        var response = new Message { Type = MessageType.AppResp, From = 3, To = 1, Term = 5, Index = 7, Reject = true, RejectHintIndex = 9 };

        Assert.That(Check(response, Leader), Is.EqualTo(PeerFrameRefusal.IndexOutOfRange));
    }

    [Test]
    public void Check_RejectingAppendResponseForAnIndexBeyondLeadersLog_RefusedAsIndexOutOfRange()
    {
        var response = new Message { Type = MessageType.AppResp, From = 3, To = 1, Term = 5, Index = 11, Reject = true, RejectHintIndex = 2 };

        Assert.That(Check(response, Leader), Is.EqualTo(PeerFrameRefusal.IndexOutOfRange));
    }

    [Test]
    public void Check_RejectingAppendResponseWithinLeadersLog_Accepted()
    {
        var response = new Message { Type = MessageType.AppResp, From = 3, To = 1, Term = 5, Index = 9, Reject = true, RejectHintIndex = 7, RejectHintTerm = 4 };

        Assert.That(Check(response, Leader), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_TermBeyondTermMax_Refused()
    {
        var vote = new Message { Type = MessageType.Vote, From = 3, To = 1, Term = PeerMessageBounds.TermMax + 1, Index = 10, LogTerm = 5 };

        Assert.That(Check(vote, Follower), Is.EqualTo(PeerFrameRefusal.TermOutOfRange));
    }

    [Test]
    public void Check_HeartbeatCarryingEntries_RefusedAsUnexpectedField()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Entries = new[] { Entry(11, 5) } };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.UnexpectedField));
    }

    [Test]
    public void Check_AppendEntryRefusedByAPluggedCheck_RefusedAsEntryRefused()
    {
        var append = App(from: 2, term: 5, index: 10, logTerm: 5, Entry(11, 5));

        var refusal = PeerMessageValidator.Check(append, Follower, Bounds, [new RefuseAll()]);

        Assert.That(refusal, Is.EqualTo(PeerFrameRefusal.EntryRefused));
    }

    [Test]
    public void WithoutUnheldCommit_HeartbeatCommitBeyondLastIndex_CommitDropped()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Commit = 50 };

        Assert.That(PeerMessageValidator.WithoutUnheldCommit(heartbeat, lastIndex: 10).Commit, Is.Zero);
    }

    [Test]
    public void Label_EveryRefusal_HasItsOwnLabel()
    {
        var labels = Enum.GetValues<PeerFrameRefusal>().Select(PeerFrameRefusals.Label).ToList();

        Assert.That(labels, Is.Unique.And.Not.Contains("unknown"));
    }

    [Test]
    public void Check_HeartbeatWithWatermarksFromLeader_Accepted()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Watermarks = Watermarks(new LogPosition(10, 5)) };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_WatermarkOfATermBeyondTheSenders_RefusedAsWatermarkImpossible()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Watermarks = Watermarks(new LogPosition(10, 6)) };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.WatermarkImpossible));
    }

    [Test]
    public void Check_HeartbeatNamingALeaderLastPositionOfALaterTerm_RefusedAsEntryTermInvalid()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Index = 12, LogTerm = 6 };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.EntryTermInvalid));
    }

    [Test]
    public void Check_HeartbeatNamingTheLeadersLastPosition_Accepted()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, Index = 12, LogTerm = 5 };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [TestCase(MessageType.Vote)]
    [TestCase(MessageType.PreVote)]
    public void Check_VoteRequestClaimingAWatermarkOfTheCandidatesOwnTerm_RefusedAsWatermarkImpossible(MessageType request)
    {
        var vote = new Message { Type = request, From = 2, To = 1, Term = 6, Index = 10, LogTerm = 5, AckedWatermark = new LogPosition(1UL << 62, 6) };

        Assert.That(Check(vote, Follower), Is.EqualTo(PeerFrameRefusal.WatermarkImpossible));
    }

    [TestCase(MessageType.Vote)]
    [TestCase(MessageType.PreVote)]
    public void Check_VoteRequestClaimingAWatermarkOfAnEarlierTerm_Accepted(MessageType request)
    {
        var vote = new Message { Type = request, From = 2, To = 1, Term = 6, Index = 10, LogTerm = 5, AckedWatermark = new LogPosition(12, 5) };

        Assert.That(Check(vote, Follower), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_VoteRefusalClaimingAWatermarkBeyondItsTerm_RefusedAsWatermarkImpossible()
    {
        var refusal = new Message { Type = MessageType.VoteResp, From = 2, To = 1, Term = 5, Reject = true, AckedWatermark = new LogPosition(12, 6) };

        Assert.That(Check(refusal, Candidate), Is.EqualTo(PeerFrameRefusal.WatermarkImpossible));
    }

    [Test]
    public void Check_VoteRefusalClaimingAWatermarkOfItsOwnTerm_Accepted()
    {
        var refusal = new Message { Type = MessageType.VoteResp, From = 2, To = 1, Term = 5, Reject = true, AckedWatermark = new LogPosition(12, 5) };

        Assert.That(Check(refusal, Candidate), Is.EqualTo(PeerFrameRefusal.None));
    }

    [Test]
    public void Check_WatermarksOnAVoteRequest_RefusedAsUnexpectedField()
    {
        var vote = new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 6, Index = 10, LogTerm = 5, Watermarks = Watermarks(new LogPosition(10, 5)) };

        Assert.That(Check(vote, Follower), Is.EqualTo(PeerFrameRefusal.UnexpectedField));
    }

    [Test]
    public void Check_AckedWatermarkOnAHeartbeat_RefusedAsUnexpectedField()
    {
        var heartbeat = new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 5, AckedWatermark = new LogPosition(10, 5) };

        Assert.That(Check(heartbeat, Follower), Is.EqualTo(PeerFrameRefusal.UnexpectedField));
    }

    private static AcknowledgedWatermarks Watermarks(LogPosition position) => AcknowledgedWatermarks.Of([new AcknowledgedWatermark(1, position)]);

    private static PeerFrameRefusal Check(Message message, LocalRaftView view) => PeerMessageValidator.Check(message, view, Bounds);

    private static Message App(ulong from, ulong term, ulong index, ulong logTerm, params Entry[] entries) =>
        new() { Type = MessageType.App, From = from, To = 1, Term = term, Index = index, LogTerm = logTerm, Commit = 8, Entries = entries };

    private static Entry Entry(ulong index, ulong term) => new(term, index, EntryType.Normal, new byte[] { 1 });

    private sealed class RefuseAll : IAppendEntryCheck
    {
        public string? Check(Entry entry) => "refused by the test";
    }
}
