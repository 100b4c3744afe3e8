using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// The consortium's node set and member keys at a point in a chain: the genesis, then every
/// governance change the chain records as executed, replayed in chain order with
/// <see cref="Observe"/>. Auditors and offline evidence verification use it so that signatures
/// are checked against the keys in force at their height, not only the genesis ones.
/// <para>
/// It replays recorded <em>outcomes</em>, not the voting rules: the registry writes into each
/// accepted ProposeChange/Vote result whether that transaction executed the proposal
/// (<see cref="ExecutedMarker"/>), and that result is itself covered by the log root. So this
/// class needs only Core (no registry assembly), and a verifier trusts the chain for "was it
/// approved" exactly as much as for every other result. What an executed change does mirrors the
/// registry's <c>ChangeExecution</c>: AddNode/RemoveNode change the node set, AddMember and
/// RotateMemberKey add keys, RotateMemberKey/RemoveMember retire them. Node keys are never
/// rotated in place: a node gets a new key by being removed and added under a new id.
/// </para>
/// </summary>
public sealed class ConsortiumState
{
    /// <summary>What the registry writes into an accepted ProposeChange/Vote result that executed the proposal.</summary>
    public const string ExecutedMarker = " executed with ";

    /// <summary>Proposals replayed but not executed; a chain with more open at once is refused.</summary>
    public const int OpenProposalsMax = 100_000;

    private readonly Dictionary<string, ConsortiumNode> activeNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<byte[], ConsortiumKey> keys = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], ProposeChange> openProposals = new(ByteKeyComparer.Instance);
    private readonly List<GovernanceTransaction> history = [];
    private readonly Dictionary<string, List<ConsortiumKey>> keysByMember = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> memberRoles = new(StringComparer.Ordinal);
    private readonly List<UnusableKey> unusableKeys = [];

    public ConsortiumState(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ChainId = genesis.ChainId;
        Suite = CryptoSuites.Get(genesis.Suite);
        foreach (var member in genesis.Members)
        {
            memberRoles[member.Id] = member.Role;
            foreach (var key in member.Keys)
            {
                AddKey(member.Id, key.Suite, key.PublicKey, 0);
            }
        }

        foreach (var node in genesis.Nodes)
        {
            activeNodes[node.Id] = new ConsortiumNode(node.Id, CryptoSuites.Get(node.Key.Suite).DecodePublicKey(node.Key.PublicKey), 0);
        }
    }

    public string ChainId { get; }

    /// <summary>
    /// Keys the chain recorded that do not decode under their suite (the registry refuses them now;
    /// an older chain may hold some), in chain order: left out of the key and node sets, never thrown.
    /// </summary>
    public IReadOnlyList<UnusableKey> UnusableKeys => unusableKeys;

    public ICryptoSuite Suite { get; }

    /// <summary>Nodes whose attestations count now.</summary>
    public IReadOnlyDictionary<string, ConsortiumNode> ActiveNodes => activeNodes;

    /// <summary>Attestations needed to certify a header: a strict majority of the active nodes.</summary>
    public int Quorum => (activeNodes.Count / 2) + 1;

    /// <summary>Governance changes executed so far (after the genesis).</summary>
    public int ChangesExecuted { get; private set; }

    /// <summary>Height of the last block that changed the node set (0 = genesis).</summary>
    public ulong NodeSetChangedAtHeight { get; private set; }

    /// <summary>Any key ever added up to now (genesis or governance), retired or not; null if unknown.</summary>
    public ConsortiumKey? FindKey(ReadOnlySpan<byte> keyId) =>
        keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(keyId, out var key) ? key : null;

    /// <summary>A member's role as the genesis names them (admin, platform, court, rights_holder, auditor, witness); "removed" after removal; null if unknown.</summary>
    public string? RoleOf(string memberId) => memberRoles.GetValueOrDefault(memberId);

    /// <summary>
    /// The registered checkpoint witnesses now (members whose role is <see cref="WitnessRole.Name"/>,
    /// with their keys not retired), in member id order: whose cosignatures (C2SP cosignature/v1, key
    /// name = member id) count at this point of the chain. A removed witness's keys are retired, so it
    /// drops out; a witness never changes role (the registry refuses it).
    /// </summary>
    public IReadOnlyList<ConsortiumWitness> Witnesses
    {
        get
        {
            var witnesses = new List<ConsortiumWitness>();
            foreach (var (memberId, role) in memberRoles.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                if (role != WitnessRole.Name || !keysByMember.TryGetValue(memberId, out var memberKeys))
                {
                    continue;
                }

                foreach (var key in memberKeys)
                {
                    if (key.RetiredAt is null && WitnessRole.AcceptsKeySuite(key.PublicKey.Suite.Name))
                    {
                        witnesses.Add(new ConsortiumWitness(memberId, key.PublicKey, key.ValidFromHeight));
                    }
                }
            }

            return witnesses;
        }
    }

    /// <summary>
    /// Every accepted ProposeChange and Vote replayed so far, in chain order: replaying them into a
    /// fresh state from the same genesis reproduces this one (audit checkpoints, evidence bundles).
    /// </summary>
    public IReadOnlyList<GovernanceTransaction> History => history;

    /// <summary>
    /// Replays one transaction of block <paramref name="height"/>: only accepted ProposeChange and
    /// Vote transactions matter. Call for every transaction in chain order (others are ignored
    /// cheaply: one varint read).
    /// </summary>
    public void Observe(ulong height, uint position, SignedTransaction transaction, byte[] transactionHash, TransactionResult result)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Code != ResultCode.Ok)
        {
            return;
        }

        EnvelopeFields.TryRead(transaction.Envelope.Span, out var type, out _);
        if (type is not (TransactionType.ProposeChange or TransactionType.Vote))
        {
            return;
        }

        if (history.Count > 0 && !IsAfter(height, position, history[^1]))
        {
            throw new GovernanceReplayException($"governance transaction at height {height} position {position} is not after the previous one (height {history[^1].Height} position {history[^1].Position})");
        }

        history.Add(new GovernanceTransaction(height, position, transaction, transactionHash, result));
        var envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
        var executed = result.Reason.Contains(ExecutedMarker, StringComparison.Ordinal);
        if (envelope.Type == TransactionType.ProposeChange)
        {
            var change = ProposeChange.Parser.ParseFrom(envelope.Body);
            if (executed)
            {
                Execute(height, change);
            }
            else
            {
                if (openProposals.Count >= OpenProposalsMax)
                {
                    throw new GovernanceReplayException($"more than {nameof(OpenProposalsMax)}={OpenProposalsMax} open proposals at height {height}");
                }

                openProposals[transactionHash] = change;
            }

            return;
        }

        if (!executed)
        {
            return;
        }

        var vote = Vote.Parser.ParseFrom(envelope.Body);
        if (!openProposals.Remove(vote.ProposalId.ToByteArray(), out var proposed))
        {
            throw new GovernanceReplayException($"a vote at height {height} executed proposal {Convert.ToHexStringLower(vote.ProposalId.Span)}, which is not an open proposal earlier in the chain");
        }

        Execute(height, proposed);
    }

    private static bool IsAfter(ulong height, uint position, GovernanceTransaction previous) =>
        height > previous.Height || (height == previous.Height && position > previous.Position);

    private void Execute(ulong height, ProposeChange change)
    {
        ChangesExecuted++;
        switch (change.ChangeCase)
        {
            case ProposeChange.ChangeOneofCase.AddNode:
                var added = change.AddNode;
                if (TryDecode(added.Key?.Suite, added.Key is null ? default : added.Key.PublicKey.Span, out var nodeKey))
                {
                    activeNodes[added.NodeId] = new ConsortiumNode(added.NodeId, nodeKey, height);
                }
                else
                {
                    // Counted out of the node set: its attestations could never be checked.
                    unusableKeys.Add(new UnusableKey(added.NodeId, height));
                }

                NodeSetChangedAtHeight = height;
                break;
            case ProposeChange.ChangeOneofCase.RemoveNode:
                if (!activeNodes.Remove(change.RemoveNode.NodeId) && !WasAddedWithUnusableKey(change.RemoveNode.NodeId))
                {
                    throw new GovernanceReplayException($"height {height} removes node '{change.RemoveNode.NodeId}', which is not active");
                }

                NodeSetChangedAtHeight = height;
                break;
            case ProposeChange.ChangeOneofCase.AddMember:
                memberRoles[change.AddMember.MemberId] = RoleName(change.AddMember.Role);
                foreach (var key in change.AddMember.Keys)
                {
                    AddKey(change.AddMember.MemberId, key.Suite, key.PublicKey.Span, height);
                }

                break;
            case ProposeChange.ChangeOneofCase.ChangeRole:
                memberRoles[change.ChangeRole.MemberId] = RoleName(change.ChangeRole.Role);
                break;
            case ProposeChange.ChangeOneofCase.RemoveMember:
                memberRoles[change.RemoveMember.MemberId] = "removed";
                if (keysByMember.TryGetValue(change.RemoveMember.MemberId, out var memberKeys))
                {
                    foreach (var key in memberKeys)
                    {
                        key.RetiredAt ??= height;
                    }
                }

                break;
            case ProposeChange.ChangeOneofCase.RotateKey:
                var rotate = change.RotateKey;
                if (!rotate.OldKeyId.IsEmpty)
                {
                    var old = FindKey(rotate.OldKeyId.Span)
                        ?? throw new GovernanceReplayException($"height {height} retires key {Convert.ToHexStringLower(rotate.OldKeyId.Span)}, which was never added");
                    old.RetiredAt ??= height;
                }

                if (rotate.NewKey is not null)
                {
                    AddKey(rotate.MemberId, rotate.NewKey.Suite, rotate.NewKey.PublicKey.Span, height);
                }

                break;
            default:
                // Threshold changes move no key, no node and no role.
                break;
        }
    }

    private static string RoleName(MemberRole role) => role switch
    {
        MemberRole.Admin => "admin",
        MemberRole.Platform => "platform",
        MemberRole.Court => "court",
        MemberRole.RightsHolder => "rights_holder",
        MemberRole.Auditor => "auditor",
        MemberRole.Witness => "witness",
        _ => $"role {(int)role}",
    };

    private void AddKey(string memberId, string suiteName, ReadOnlySpan<byte> encoded, ulong height)
    {
        if (!TryDecode(suiteName, encoded, out var publicKey))
        {
            // Nothing can verify under it, so it is left out (signatures by it are "unknown key").
            unusableKeys.Add(new UnusableKey(memberId, height));
            return;
        }

        var key = new ConsortiumKey(memberId, publicKey, height);
        keys[publicKey.KeyId.ToArray()] = key;
        if (!keysByMember.TryGetValue(memberId, out var list))
        {
            list = [];
            keysByMember[memberId] = list;
        }

        list.Add(key);
    }

    private static bool TryDecode(string? suiteName, ReadOnlySpan<byte> encoded, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicKey? publicKey)
    {
        publicKey = null;
        return CryptoSuites.TryGet(suiteName, out var suite) && suite.TryDecodePublicKey(encoded, out publicKey);
    }

    private bool WasAddedWithUnusableKey(string nodeId)
    {
        foreach (var unusable in unusableKeys)
        {
            if (string.Equals(unusable.OwnerId, nodeId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A registered witness key: its member id (the cosignature key name), Ed25519 key, and the height that added it.</summary>
public sealed record ConsortiumWitness(string MemberId, PublicKey PublicKey, ulong AddedAtHeight);

/// <summary>A recorded key that does not decode: whose it is (member or node id) and the height that recorded it.</summary>
public sealed record UnusableKey(string OwnerId, ulong Height);
