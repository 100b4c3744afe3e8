using Ledger.Core.Consortium;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.State;

namespace Ledger.Registry.Genesis;

/// <summary>Registry state at height 0, built from a <see cref="ConsortiumGenesis"/>.</summary>
public static class RegistryGenesis
{
    /// <summary>The writes that create the height-0 state, and its state root.</summary>
    public static (IReadOnlyList<StateWrite> Writes, byte[] StateRoot) CreateState(ConsortiumGenesis genesis, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(options);
        var empty = new MemoryRegistryState();
        var state = new WriteBuffer(empty);
        var origin = new ChainPosition { Height = 0, Index = 0 };
        var governance = new GovernanceRecord
        {
            ChainId = genesis.ChainId,
            Suite = genesis.Suite,
            ApprovalThreshold = genesis.ApprovalThreshold ?? 0,
            ProposalExpiryBlocks = genesis.ProposalExpiryBlocks,
        };

        foreach (var member in genesis.Members)
        {
            var role = RoleOf(member.Role);
            var record = new MemberRecord { MemberId = member.Id, DisplayName = member.Name, Role = role, Active = true };
            record.RoleHistory.Add(new MemberRoleChange { From = origin, Role = role, Active = true });
            foreach (var key in member.Keys)
            {
                var keyId = options.DeriveKeyId(key.Suite, key.PublicKey);
                if (state.Contains(StateKeys.Key(keyId)))
                {
                    throw new GenesisFormatException($"genesis members[{member.Id}]: two keys derive the same key id {Convert.ToHexString(keyId)}");
                }

                state.Put(StateKeys.Key(keyId), new KeyRecord
                {
                    KeyId = ByteString.CopyFrom(keyId),
                    MemberId = member.Id,
                    Suite = key.Suite,
                    PublicKey = ByteString.CopyFrom(key.PublicKey),
                    ValidFrom = origin,
                });
                record.KeyIds.Add(ByteString.CopyFrom(keyId));
            }

            state.Put(StateKeys.Member(member.Id), record);
            if (role == MemberRole.Admin)
            {
                Governance.SortedIds.Add(governance.AdminMemberIds, member.Id);
            }
        }

        foreach (var node in genesis.Nodes)
        {
            var key = new MemberPublicKey { Suite = node.Key.Suite, PublicKey = ByteString.CopyFrom(node.Key.PublicKey) };
            state.Put(StateKeys.Node(node.Id), new NodeRecord
            {
                NodeId = node.Id,
                Address = node.Address,
                Key = key,
                KeyId = ByteString.CopyFrom(options.DeriveKeyId(node.Key.Suite, node.Key.PublicKey)),
                Active = true,
                AddedAt = origin,
            });
            Governance.SortedIds.Add(governance.ActiveNodeIds, node.Id);
        }

        if (governance.AdminMemberIds.Count > RegistryLimits.AdminsMax)
        {
            throw new GenesisFormatException($"genesis has {governance.AdminMemberIds.Count} admins, more than {RegistryLimits.AdminsMax}");
        }

        state.Put(StateKeys.Governance(), governance);
        state.Put(StateKeys.AppliedHeight(), RegistryApplier.EncodeHeight(0));
        var root = StateCommitment.Fold(state, options.Hash);
        return (state.ToSortedWrites(), root);
    }

    /// <summary>Initializes an empty state; returns the height-0 state root.</summary>
    /// <exception cref="RegistryInvariantException">The state already holds a chain.</exception>
    public static byte[] Initialize(IRegistryState state, ConsortiumGenesis genesis, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TryGet(StateKeys.AppliedHeight(), out _))
        {
            throw new RegistryInvariantException("state is already initialized");
        }

        var (writes, root) = CreateState(genesis, options);
        state.Apply(writes);
        return root;
    }

    public static MemberRole RoleOf(string role) => role switch
    {
        "admin" => MemberRole.Admin,
        "platform" => MemberRole.Platform,
        "court" => MemberRole.Court,
        "rights_holder" => MemberRole.RightsHolder,
        "auditor" => MemberRole.Auditor,
        "witness" => MemberRole.Witness,
        _ => throw new GenesisFormatException($"unknown role '{role}'"),
    };
}
