using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Governance;

public sealed class GovernanceTests
{
    [Test]
    public void AddMember_ByVoteReachingMajorityThreshold_MemberCanSignAfterwards()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));
        var beforeThreshold = chain.Queries.GetProposal(proposalId.Span)!;

        var vote = chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });
        var newMemberSigns = chain.Apply("jd", TransactionType.RegisterWork, Sample.Work("jd-photo", Sample.External("seller")));

        Assert.That(beforeThreshold.Status, Is.EqualTo(ProposalStatus.Open), "1 of 2 approvals");
        Assert.That(vote.IsOk, Is.True, vote.ToString());
        Assert.That(chain.Queries.GetProposal(proposalId.Span)!.Status, Is.EqualTo(ProposalStatus.Executed));
        Assert.That(newMemberSigns.IsOk, Is.True, newMemberSigns.ToString());
    }

    [Test]
    public void Proposal_NotReachingThresholdBeforeExpiry_VoteIsRejected_ProposalExpired()
    {
        var chain = new TestChain(DefaultGenesis(proposalExpiryBlocks: 3));
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));
        var lastVotingHeight = chain.Height + 3;
        while (chain.Height < lastVotingHeight)
        {
            chain.ApplyBlock();
        }

        var late = chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

        Assert.That(late.Reason, Is.EqualTo(RejectionReason.ProposalExpired));
        Assert.That(chain.Queries.GetProposal(proposalId.Span)!.Status, Is.EqualTo(ProposalStatus.Expired));
        Assert.That(chain.Queries.GetMembersAt(chain.Height).Any(m => m.MemberId == "jd"), Is.False);
    }

    [Test]
    public void Vote_OnTheLastVotingHeight_IsCounted()
    {
        var chain = new TestChain(DefaultGenesis(proposalExpiryBlocks: 3));
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));
        var lastVotingHeight = chain.Height + 3;
        while (chain.Height < lastVotingHeight - 1)
        {
            chain.ApplyBlock();
        }

        Assert.That(chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true }).IsOk, Is.True);
    }

    [Test]
    public void Vote_Twice_IsRejected_AlreadyVoted()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));

        Assert.That(chain.Apply(Admin1, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true }).Reason, Is.EqualTo(RejectionReason.AlreadyVoted));
    }

    [Test]
    public void Vote_OnExecutedProposal_IsRejected_ProposalClosed()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));
        chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

        Assert.That(chain.Apply(Admin3, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true }).Reason, Is.EqualTo(RejectionReason.ProposalClosed));
    }

    [Test]
    public void Vote_OnUnknownProposal_IsRejected_ProposalNotFound()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Admin1, TransactionType.Vote, new Vote { ProposalId = Sample.Hash("none"), Approve = true }).Reason, Is.EqualTo(RejectionReason.ProposalNotFound));
    }

    [Test]
    public void Proposal_RejectedByEnoughAdmins_ClosesAsRejected()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, AddPlatform("jd"));
        chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = false });

        chain.Apply(Admin3, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = false });

        Assert.That(chain.Queries.GetProposal(proposalId.Span)!.Status, Is.EqualTo(ProposalStatus.Rejected));
    }

    [Test]
    public void ProposeChange_ByNonAdmin_IsRejected_RoleNotPermitted()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Platform, TransactionType.ProposeChange, AddPlatform("jd")).Reason, Is.EqualTo(RejectionReason.RoleNotPermitted));
    }

    [Test]
    public void ProposeChange_AddingExistingMember_IsRejected_ChangeNotApplicable()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Admin1, TransactionType.ProposeChange, AddPlatform(Alice)).Reason, Is.EqualTo(RejectionReason.ChangeNotApplicable));
    }

    [Test]
    public void ProposeChange_WithoutChange_IsRejected_MissingField()
    {
        var chain = new TestChain();

        Assert.That(chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { Rationale = "nothing" }).Reason, Is.EqualTo(RejectionReason.MissingField));
    }

    [Test]
    public void ChangeThreshold_AboveTheAdminCount_IsRejected_ThresholdUnreachable()
    {
        var chain = new TestChain();

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { ChangeThreshold = new ChangeApprovalThreshold { Threshold = 4 } });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ThresholdUnreachable));
    }

    [Test]
    public void RemovingAnAdmin_BelowAFixedThreshold_IsRejected_ThresholdUnreachable()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 3));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveMember = new RemoveMember { MemberId = Admin3 } });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ThresholdUnreachable));
    }

    [Test]
    public void ChangeThreshold_ToOne_LetsASingleAdminExecuteChanges()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, new ProposeChange { ChangeThreshold = new ChangeApprovalThreshold { Threshold = 1 } });
        chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

        var single = chain.Apply(Admin3, TransactionType.ProposeChange, AddPlatform("jd"));

        Assert.That(chain.Queries.Governance.ApprovalThreshold, Is.EqualTo(1));
        Assert.That(single.Detail, Does.Contain("executed"));
    }

    [Test]
    public void RotateKey_ByVote_RetiresTheOldKeyAndAddsTheNewOne()
    {
        var chain = new TestChain();
        var newKey = PublicKey(Alice, 1);
        var proposalId = Propose(chain, Admin1, new ProposeChange
        {
            RotateKey = new RotateMemberKey
            {
                MemberId = Alice,
                OldKeyId = ByteString.CopyFrom(KeyIdOf(Alice)),
                NewKey = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(newKey) },
            },
        });

        chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

        Assert.That(chain.Queries.GetKey(KeyIdOf(Alice))!.ValidUntil, Is.Not.Null);
        Assert.That(chain.Queries.GetKey(KeyId(newKey))!.MemberId, Is.EqualTo(Alice));
        Assert.That(chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Alice).ValidKeys.Single().KeyId.ToByteArray(), Is.EqualTo(KeyId(newKey)));
    }

    [Test]
    public void AddNode_WhenExecuted_EmitsANodeMembershipChangeEffect()
    {
        var chain = new TestChain();
        var proposalId = Propose(chain, Admin1, new ProposeChange
        {
            AddNode = new AddNode
            {
                NodeId = "node-4",
                Address = "https://10.0.0.4:7400",
                Key = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(PublicKey("node-4")) },
            },
        });
        Assert.That(chain.LastBlock!.Effects, Is.Empty, "not before the threshold");

        chain.Apply(Admin2, TransactionType.Vote, new Vote { ProposalId = proposalId, Approve = true });

        var effect = (NodeMembershipChange)chain.LastBlock!.Effects.Single();
        Assert.That(effect.Kind, Is.EqualTo(NodeMembershipChangeKind.AddNode));
        Assert.That(effect.NodeId, Is.EqualTo("node-4"));
        Assert.That(effect.Address, Is.EqualTo("https://10.0.0.4:7400"));
        Assert.That(effect.KeyId, Is.EqualTo(KeyIdOf("node-4")));
        Assert.That(effect.Height, Is.EqualTo(chain.Height));
        Assert.That(chain.Queries.GetNodes().Count(n => n.Active), Is.EqualTo(4));
    }

    [Test]
    public void AddNode_WhoseRaftIdCollidesWithAnActiveNode_IsRejected_ChangeNotApplicable()
    {
        // Raft ids are 64 bits of a hash: stand in a derivation where "node-x" collides with "node-2".
        var chain = new TestChain(DefaultGenesis(threshold: 1), raftIdOf: id => id == "node-x" ? Core.Consortium.RaftNodeIds.Of("node-2") : Core.Consortium.RaftNodeIds.Of(id));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange
        {
            AddNode = new AddNode
            {
                NodeId = "node-x",
                Address = "https://10.0.0.9:7400",
                Key = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(PublicKey("node-x")) },
            },
        });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ChangeNotApplicable), outcome.ToString());
        Assert.That(outcome.ToString(), Does.Contain("node-2"));
        Assert.That(chain.Queries.GetNodes().Any(n => n.NodeId == "node-x"), Is.False);
        Assert.That(chain.LastBlock!.Effects, Is.Empty);
    }

    [Test]
    public void RemoveNode_WhenExecuted_EmitsANodeMembershipChangeEffect()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));

        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveNode = new RemoveNode { NodeId = "node-3" } });

        var effect = (NodeMembershipChange)chain.LastBlock!.Effects.Single();
        Assert.That(effect.Kind, Is.EqualTo(NodeMembershipChangeKind.RemoveNode));
        Assert.That(effect.NodeId, Is.EqualTo("node-3"));
        Assert.That(chain.Queries.GetNodes().Single(n => n.NodeId == "node-3").Active, Is.False);
    }

    [Test]
    public void GetNodesAt_BeforeAndAfterAnAddAndARemove_IsTheNodeSetOfThatBlock()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var genesisHeight = chain.Height;
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange
        {
            AddNode = new AddNode
            {
                NodeId = "node-4",
                Address = "https://10.0.0.4:7400",
                Key = new MemberPublicKey { Suite = chain.Genesis.Suite, PublicKey = ByteString.CopyFrom(PublicKey("node-4")) },
            },
        });
        var addedAt = chain.Height;
        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveNode = new RemoveNode { NodeId = "node-3" } });
        var removedAt = chain.Height;

        Assert.That(chain.Queries.GetNodesAt(genesisHeight).Select(n => n.NodeId), Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(chain.Queries.GetNodesAt(addedAt).Select(n => n.NodeId), Is.EquivalentTo(new[] { "node-1", "node-2", "node-3", "node-4" }));
        Assert.That(chain.Queries.GetNodesAt(removedAt).Select(n => n.NodeId), Is.EquivalentTo(new[] { "node-1", "node-2", "node-4" }));
        Assert.That(chain.Queries.GetNodes().Select(n => n.NodeId), Is.EquivalentTo(new[] { "node-1", "node-2", "node-3", "node-4" }), "without a height: every record");
    }

    [Test]
    public void RemoveNode_OfUnknownNode_IsRejected_ChangeNotApplicable_AndEmitsNothing()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));

        var outcome = chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { RemoveNode = new RemoveNode { NodeId = "node-9" } });

        Assert.That(outcome.Reason, Is.EqualTo(RejectionReason.ChangeNotApplicable));
        Assert.That(chain.LastBlock!.Effects, Is.Empty);
    }

    [Test]
    public void PassedChange_ThatNoLongerApplies_RejectsTheDecidingVote_AndTheProposalStaysOpen()
    {
        var chain = new TestChain();
        var first = Propose(chain, Admin1, AddPlatform("jd"));
        var duplicate = Propose(chain, Admin2, AddPlatform("jd"));
        chain.Apply(Admin3, TransactionType.Vote, new Vote { ProposalId = first, Approve = true });

        var deciding = chain.Apply(Admin3, TransactionType.Vote, new Vote { ProposalId = duplicate, Approve = true });

        Assert.That(deciding.Reason, Is.EqualTo(RejectionReason.ChangeNotApplicable));
        Assert.That(chain.Queries.GetProposal(duplicate.Span)!.Status, Is.EqualTo(ProposalStatus.Open));
    }

    [Test]
    public void ChangeRole_OfRightsHolderToPlatform_TakesEffectForItsNextTransaction()
    {
        var chain = new TestChain(DefaultGenesis(threshold: 1));
        var before = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.External("seller")));

        chain.Apply(Admin1, TransactionType.ProposeChange, new ProposeChange { ChangeRole = new ChangeMemberRole { MemberId = Alice, Role = MemberRole.Platform } });
        var after = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.External("seller")));

        Assert.That(before.Reason, Is.EqualTo(RejectionReason.NotAuthorized));
        Assert.That(after.IsOk, Is.True, after.ToString());
        Assert.That(chain.Queries.GetMembersAt(0).Single(m => m.MemberId == Alice).Role, Is.EqualTo(MemberRole.RightsHolder));
        Assert.That(chain.Queries.GetMembersAt(chain.Height).Single(m => m.MemberId == Alice).Role, Is.EqualTo(MemberRole.Platform));
    }

    private static ProposeChange AddPlatform(string memberId) => new()
    {
        AddMember = new AddMember
        {
            MemberId = memberId,
            DisplayName = memberId.ToUpperInvariant(),
            Role = MemberRole.Platform,
            Keys = { new MemberPublicKey { Suite = "p256-sha256", PublicKey = ByteString.CopyFrom(PublicKey(memberId)) } },
        },
        Rationale = "new marketplace joins",
    };

    private static ByteString Propose(TestChain chain, string admin, ProposeChange change)
    {
        var outcome = chain.Apply(admin, TransactionType.ProposeChange, change);
        Assert.That(outcome.IsOk, Is.True, outcome.ToString());
        return ByteString.CopyFrom(chain.LastTxHash);
    }
}
