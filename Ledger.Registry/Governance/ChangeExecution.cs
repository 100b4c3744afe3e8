using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Bounds;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Governance;

/// <summary>
/// Carries out a passed governance change. Every change takes effect at the position right after
/// the executing transaction (<see cref="TransactionContext.AfterHere"/>): a retired key signs
/// nothing from there on, while everything it signed before stays valid for audit.
/// </summary>
internal static class ChangeExecution
{
    public static void Execute(TransactionContext context, ProposeChange change)
    {
        // Also guards a proposal stored before today's bounds: a change executes only within them.
        BodyBounds.CheckChange(change, context.Suite);
        switch (change.ChangeCase)
        {
            case ProposeChange.ChangeOneofCase.AddMember:
                AddMember(context, change.AddMember);
                break;
            case ProposeChange.ChangeOneofCase.RemoveMember:
                RemoveMember(context, change.RemoveMember);
                break;
            case ProposeChange.ChangeOneofCase.ChangeRole:
                ChangeRole(context, change.ChangeRole);
                break;
            case ProposeChange.ChangeOneofCase.RotateKey:
                RotateKey(context, change.RotateKey);
                break;
            case ProposeChange.ChangeOneofCase.AddNode:
                AddNode(context, change.AddNode);
                break;
            case ProposeChange.ChangeOneofCase.RemoveNode:
                RemoveNode(context, change.RemoveNode);
                break;
            case ProposeChange.ChangeOneofCase.ChangeThreshold:
                ChangeThreshold(context, change.ChangeThreshold);
                break;
            default:
                throw Check.Fail(RejectionReason.MissingField, "change is required");
        }
    }

    private static void AddMember(TransactionContext context, AddMember change)
    {
        if (context.Member(change.MemberId) is not null)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"member id {OutsideValue.Quote(change.MemberId)} is already in use (ids are never reused)");
        }

        var member = new MemberRecord
        {
            MemberId = change.MemberId,
            DisplayName = change.DisplayName,
            Role = change.Role,
            Active = true,
        };
        member.RoleHistory.Add(new MemberRoleChange { From = context.AfterHere, Role = change.Role, Active = true });
        for (var i = 0; i < change.Keys.Count; i++)
        {
            var key = NewKey(context, change.Keys[i], change.MemberId, $"add_member.keys[{i}]");
            member.KeyIds.Add(key.KeyId);
        }

        context.State.Put(StateKeys.Member(change.MemberId), member);
        if (change.Role == MemberRole.Admin)
        {
            var governance = context.Governance;
            SortedIds.Add(governance.AdminMemberIds, change.MemberId);
            Check.CountMax(governance.AdminMemberIds.Count, RegistryLimits.AdminsMax, "admins", nameof(RegistryLimits.AdminsMax));
            context.State.Put(StateKeys.Governance(), governance);
        }
    }

    private static void RemoveMember(TransactionContext context, RemoveMember change)
    {
        var member = RequireActiveMember(context, change.MemberId, "remove_member.member_id");
        foreach (var keyId in member.KeyIds)
        {
            var key = context.State.Get(StateKeys.Key(keyId.Span), KeyRecord.Parser)
                ?? throw new RegistryInvariantException($"member '{member.MemberId}' lists missing key {Convert.ToHexString(keyId.Span)}");
            if (key.ValidUntil is null)
            {
                key.ValidUntil = context.AfterHere;
                context.State.Put(StateKeys.Key(keyId.Span), key);
            }
        }

        SetRole(context, member, member.Role, active: false);
    }

    private static void ChangeRole(TransactionContext context, ChangeMemberRole change)
    {
        var member = RequireActiveMember(context, change.MemberId, "change_role.member_id");
        if (member.Role == change.Role)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"member {OutsideValue.Quote(member.MemberId)} already has role {change.Role}");
        }

        // A witness's keys are Ed25519 whatever the chain's suite, and a member's keys of the chain's
        // suite were never checked as cosigning keys: a witness joins and leaves as a witness.
        if (member.Role == MemberRole.Witness || change.Role == MemberRole.Witness)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"member {OutsideValue.Quote(member.MemberId)} cannot change role from {member.Role} to {change.Role}: witnesses are added and removed as witnesses");
        }

        SetRole(context, member, change.Role, active: true);
    }

    private static void RotateKey(TransactionContext context, RotateMemberKey change)
    {
        var member = RequireActiveMember(context, change.MemberId, "rotate_key.member_id");
        if (!change.OldKeyId.IsEmpty)
        {
            var old = context.State.Get(StateKeys.Key(change.OldKeyId.Span), KeyRecord.Parser);
            if (old is null || old.MemberId != member.MemberId)
            {
                throw Check.Fail(RejectionReason.ChangeNotApplicable, $"key {Convert.ToHexString(change.OldKeyId.Span)} is not a key of {OutsideValue.Quote(member.MemberId)}");
            }

            if (old.ValidUntil is not null)
            {
                throw Check.Fail(RejectionReason.ChangeNotApplicable, $"key {Convert.ToHexString(change.OldKeyId.Span)} is already retired");
            }

            old.ValidUntil = context.AfterHere;
            context.State.Put(StateKeys.Key(change.OldKeyId.Span), old);
        }

        if (change.NewKey is not null)
        {
            if (GovernanceKeys.RotationSuiteProblem(change, member.Role, context.Suite) is { } problem)
            {
                throw Check.Fail(RejectionReason.InvalidField, problem);
            }

            Check.CountMax(member.KeyIds.Count + 1, RegistryLimits.KeyHistoryPerMemberMax, "member keys ever held", nameof(RegistryLimits.KeyHistoryPerMemberMax));
            Check.CountMax(ValidKeyCount(context, member) + 1, RegistryLimits.KeysPerMemberMax, "member keys held at once", nameof(RegistryLimits.KeysPerMemberMax));
            var key = NewKey(context, change.NewKey, member.MemberId, "rotate_key.new_key");
            member.KeyIds.Add(key.KeyId);
            context.State.Put(StateKeys.Member(member.MemberId), member);
        }
    }

    private static void AddNode(TransactionContext context, AddNode change)
    {
        if (context.State.Contains(StateKeys.Node(change.NodeId)))
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"node id {OutsideValue.Quote(change.NodeId)} is already in use (ids are never reused)");
        }

        var governance = context.Governance;
        RefuseRaftIdCollision(context, governance, change.NodeId);
        SortedIds.Add(governance.ActiveNodeIds, change.NodeId);
        Check.CountMax(governance.ActiveNodeIds.Count, RegistryLimits.NodesMax, "active nodes", nameof(RegistryLimits.NodesMax));
        var keyId = context.Options.DeriveKeyId(change.Key.Suite, change.Key.PublicKey.Span);
        var node = new NodeRecord
        {
            NodeId = change.NodeId,
            Address = change.Address,
            Key = change.Key.Clone(),
            KeyId = ByteString.CopyFrom(keyId),
            Active = true,
            AddedAt = context.AfterHere,
        };
        context.State.Put(StateKeys.Node(change.NodeId), node);
        context.State.Put(StateKeys.Governance(), governance);
        context.Effects.Add(NodeEffect(context, NodeMembershipChangeKind.AddNode, node));
    }

    // Raft knows nodes only by the 64-bit id; two active nodes sharing one would be one voter to Raft.
    private static void RefuseRaftIdCollision(TransactionContext context, GovernanceRecord governance, string nodeId)
    {
        var raftId = context.Options.RaftIdOf(nodeId);
        foreach (var active in governance.ActiveNodeIds)
        {
            if (context.Options.RaftIdOf(active) == raftId)
            {
                throw Check.Fail(RejectionReason.ChangeNotApplicable, $"node id {OutsideValue.Quote(nodeId)} maps to the same Raft id as active node {OutsideValue.Quote(active)}; choose another node id");
            }
        }
    }

    private static void RemoveNode(TransactionContext context, RemoveNode change)
    {
        var node = context.State.Get(StateKeys.Node(change.NodeId), NodeRecord.Parser);
        if (node is null || !node.Active)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"node {OutsideValue.Quote(change.NodeId)} is not an active node");
        }

        var governance = context.Governance;
        if (governance.ActiveNodeIds.Count <= 1)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"node {OutsideValue.Quote(change.NodeId)} is the last active node");
        }

        SortedIds.Remove(governance.ActiveNodeIds, change.NodeId);
        node.Active = false;
        node.RemovedAt = context.AfterHere;
        context.State.Put(StateKeys.Node(change.NodeId), node);
        context.State.Put(StateKeys.Governance(), governance);
        context.Effects.Add(NodeEffect(context, NodeMembershipChangeKind.RemoveNode, node));
    }

    private static void ChangeThreshold(TransactionContext context, ChangeApprovalThreshold change)
    {
        var governance = context.Governance;
        if (change.Threshold == governance.ApprovalThreshold)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"threshold is already {change.Threshold}");
        }

        governance.ApprovalThreshold = change.Threshold;
        RequireReachable(governance);
        context.State.Put(StateKeys.Governance(), governance);
    }

    private static void SetRole(TransactionContext context, MemberRecord member, MemberRole role, bool active)
    {
        var governance = context.Governance;
        var wasAdmin = member.Active && member.Role == MemberRole.Admin;
        var isAdmin = active && role == MemberRole.Admin;
        member.Role = role;
        member.Active = active;
        member.RoleHistory.Add(new MemberRoleChange { From = context.AfterHere, Role = role, Active = active });
        context.State.Put(StateKeys.Member(member.MemberId), member);
        if (wasAdmin == isAdmin)
        {
            return;
        }

        if (isAdmin)
        {
            SortedIds.Add(governance.AdminMemberIds, member.MemberId);
            Check.CountMax(governance.AdminMemberIds.Count, RegistryLimits.AdminsMax, "admins", nameof(RegistryLimits.AdminsMax));
        }
        else
        {
            SortedIds.Remove(governance.AdminMemberIds, member.MemberId);
        }

        RequireReachable(governance);
        context.State.Put(StateKeys.Governance(), governance);
    }

    private static void RequireReachable(GovernanceRecord governance)
    {
        var admins = governance.AdminMemberIds.Count;
        if (admins == 0)
        {
            throw Check.Fail(RejectionReason.ThresholdUnreachable, "the consortium would have no admin left");
        }

        if (governance.ApprovalThreshold > admins)
        {
            throw Check.Fail(RejectionReason.ThresholdUnreachable, $"threshold {governance.ApprovalThreshold} would exceed the {admins} admins");
        }
    }

    private static int ValidKeyCount(TransactionContext context, MemberRecord member)
    {
        var count = 0;
        foreach (var keyId in member.KeyIds)
        {
            var key = context.State.Get(StateKeys.Key(keyId.Span), KeyRecord.Parser);
            count += key is not null && key.ValidUntil is null ? 1 : 0;
        }

        return count;
    }

    private static MemberRecord RequireActiveMember(TransactionContext context, string memberId, string field)
    {
        var member = context.Member(memberId)
            ?? throw Check.Fail(RejectionReason.UnknownMember, $"{field} {OutsideValue.Quote(memberId)} is not a member");
        if (!member.Active)
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"member {OutsideValue.Quote(memberId)} was already removed");
        }

        return member;
    }

    private static KeyRecord NewKey(TransactionContext context, MemberPublicKey publicKey, string memberId, string field)
    {
        var keyId = context.Options.DeriveKeyId(publicKey.Suite, publicKey.PublicKey.Span);
        if (context.State.Contains(StateKeys.Key(keyId)))
        {
            throw Check.Fail(RejectionReason.ChangeNotApplicable, $"{field}: key {Convert.ToHexString(keyId)} is already registered");
        }

        var key = new KeyRecord
        {
            KeyId = ByteString.CopyFrom(keyId),
            MemberId = memberId,
            Suite = publicKey.Suite,
            PublicKey = publicKey.PublicKey,
            ValidFrom = context.AfterHere,
        };
        context.State.Put(StateKeys.Key(keyId), key);
        return key;
    }

    private static NodeMembershipChange NodeEffect(TransactionContext context, NodeMembershipChangeKind kind, NodeRecord node) =>
        new(context.Block.Height, context.Position, kind, node.NodeId, node.Address, node.Key.Suite, node.Key.PublicKey.ToByteArray(), node.KeyId.ToByteArray());
}
