using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;

namespace Ledger.Registry.Queries;

/// <summary>
/// Read-only queries over registry state (as of its applied height). Pure: no writes, no clock.
/// Listings are paged in key order with opaque tokens; every page is bounded by
/// <see cref="RegistryLimits.QueryPageSizeMax"/>.
/// </summary>
public sealed class RegistryQueries
{
    private readonly IRegistryStateReader state;
    private readonly RegistryOptions options;

    public RegistryQueries(IRegistryStateReader state, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        this.state = state;
        this.options = options;
    }

    public ulong AppliedHeight => RegistryApplier.AppliedHeight(state);

    public byte[] StateRoot => StateCommitment.StoredRoot(state, options.Hash);

    public GovernanceRecord Governance => Get(StateKeys.Governance(), GovernanceRecord.Parser)
        ?? throw new RegistryInvariantException("governance record missing");

    /// <summary>The committed record if the work has one, else the batch item's rebuilt record (<see cref="BatchItemRecords"/>).</summary>
    public WorkRecord? GetWork(ReadOnlySpan<byte> workId) =>
        Get(StateKeys.Work(workId), WorkRecord.Parser) ?? BatchItemRecords.Find(state.TryGet, workId);

    /// <summary>
    /// The work registered under this content hash, whichever form its index entry has
    /// (<see cref="ContentHashIndexValue"/>); a malformed entry is damage (<see cref="RegistryInvariantException"/>).
    /// </summary>
    public WorkRecord? FindByContentHash(ContentHashAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        var key = StateKeys.ContentHash(algorithm, hash);
        return state.TryGet(key, out var value) ? GetWork(ContentHashIndexValue.ResolveWorkId(key, value, state.TryGet)) : null;
    }

    /// <summary>
    /// The holder's works in work-id order, a batch's items among them (its one owner entry
    /// expands to the items it accepted that the holder still holds, see <see cref="OwnerListing"/>).
    /// The page token is the last work id listed.
    /// </summary>
    public Page<WorkRecord> GetWorksByOwner(RightsHolder holder, byte[]? pageToken, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(holder);
        if (pageSize is < 1 or > RegistryLimits.QueryPageSizeMax)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"must be in [1, {RegistryLimits.QueryPageSizeMax}]");
        }

        if (pageToken is not null && pageToken.Length != WorkIds.WorkIdBytes)
        {
            throw new ArgumentException($"page token must be {WorkIds.WorkIdBytes} bytes, was {pageToken.Length}", nameof(pageToken));
        }

        var items = new List<WorkRecord>(Math.Min(pageSize, 64));
        byte[]? lastWorkId = null;
        var more = false;
        foreach (var (workId, work) in OwnerListing.After(state, holder, pageToken))
        {
            if (items.Count == pageSize)
            {
                more = true;
                break;
            }

            items.Add(work);
            lastWorkId = workId;
        }

        return new Page<WorkRecord>(items, more ? lastWorkId : null);
    }

    /// <summary>
    /// A work's events in chain order: its registration first, then transfers, licences, claims,
    /// evidence and judgments, each with the block height, position and transaction hash.
    /// </summary>
    public Page<WorkEvent> GetWorkHistory(ReadOnlySpan<byte> workId, byte[]? pageToken, int pageSize)
    {
        if (pageSize is < 1 or > RegistryLimits.QueryPageSizeMax)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"must be in [1, {RegistryLimits.QueryPageSizeMax}]");
        }

        var work = GetWork(workId);
        if (work is null)
        {
            return new Page<WorkEvent>([], null);
        }

        const int eventKeyBytes = sizeof(ulong) + sizeof(uint);
        var prefix = StateKeys.HistoryPrefix(workId);
        if (pageToken is not null)
        {
            return Paged(prefix, pageToken, eventKeyBytes, pageSize, static (_, value) => WorkEvent.Parser.ParseFrom(value));
        }

        // The registration is not stored as an event (a batch item would pay a write for it); it
        // is read off the work record and leads the first page.
        var registered = new WorkEvent
        {
            Kind = WorkEventKind.Registered,
            At = work.RegisteredAt,
            TxHash = work.RegisteredTxHash,
            ActorMemberId = work.RegistrantMemberId,
            SubjectId = work.WorkId,
            NewHolder = (work.RegisteredHolder ?? work.RightsHolder).Clone(),
        };
        if (pageSize == 1)
        {
            // Every stored event is at height >= 1, so the all-zero token means "after the registration".
            var anyEvent = state.Scan(prefix).Any();
            return new Page<WorkEvent>([registered], anyEvent ? new byte[eventKeyBytes] : null);
        }

        var rest = Paged(prefix, null, eventKeyBytes, pageSize - 1, static (_, value) => WorkEvent.Parser.ParseFrom(value));
        var items = new List<WorkEvent>(rest.Items.Count + 1) { registered };
        items.AddRange(rest.Items);
        return rest with { Items = items };
    }

    public LicenseRecord? GetLicense(ReadOnlySpan<byte> licenseId) => Get(StateKeys.License(licenseId), LicenseRecord.Parser);

    public ClaimRecord? GetClaim(ReadOnlySpan<byte> claimId) => Get(StateKeys.Claim(claimId), ClaimRecord.Parser);

    public EvidenceRecord? GetEvidence(ReadOnlySpan<byte> evidenceId) => Get(StateKeys.Evidence(evidenceId), EvidenceRecord.Parser);

    public BatchRegisterOutcome? GetBatchOutcome(ReadOnlySpan<byte> txHash) => Get(StateKeys.BatchOutcome(txHash), BatchRegisterOutcome.Parser);

    public Page<ClaimRecord> GetClaimsByWork(ReadOnlySpan<byte> workId, byte[]? pageToken, int pageSize) =>
        Paged(StateKeys.ClaimByWorkPrefix(workId), pageToken, RegistryLimits.HashBytes, pageSize, (suffix, _) => GetClaim(suffix) ?? throw Missing("claim", suffix));

    public Page<ClaimRecord> GetClaimsByStatus(ClaimStatus status, byte[]? pageToken, int pageSize) =>
        Paged(StateKeys.ClaimByStatusPrefix(status), pageToken, RegistryLimits.HashBytes, pageSize, (suffix, _) => GetClaim(suffix) ?? throw Missing("claim", suffix));

    /// <summary>
    /// The proposal, with an open proposal whose voting window has passed reported as
    /// <see cref="ProposalStatus.Expired"/> (expiry is never written: it needs no transaction).
    /// </summary>
    public ProposalRecord? GetProposal(ReadOnlySpan<byte> proposalId)
    {
        var proposal = Get(StateKeys.Proposal(proposalId), ProposalRecord.Parser);
        if (proposal is not null && proposal.Status == ProposalStatus.Open && AppliedHeight > proposal.LastVotingHeight)
        {
            proposal.Status = ProposalStatus.Expired;
        }

        return proposal;
    }

    public KeyRecord? GetKey(ReadOnlySpan<byte> keyId) => Get(StateKeys.Key(keyId), KeyRecord.Parser);

    /// <summary>Whether a transaction at <paramref name="position"/> could be signed with this key: valid_from ≤ position &lt; valid_until.</summary>
    public static bool IsKeyValidAt(KeyRecord key, ChainPosition position)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(position);
        return Compare(key.ValidFrom, position) <= 0 && (key.ValidUntil is null || Compare(position, key.ValidUntil) < 0);
    }

    /// <summary>Members, roles and valid keys as they stood at the end of block <paramref name="height"/> (0 = genesis).</summary>
    public IReadOnlyList<MemberAtHeight> GetMembersAt(ulong height)
    {
        var endOfBlock = new ChainPosition { Height = height, Index = uint.MaxValue };
        var members = new List<MemberAtHeight>();
        foreach (var entry in state.Scan(StateKeys.MemberPrefix()))
        {
            var member = MemberRecord.Parser.ParseFrom(entry.Value);
            MemberRoleChange? current = null;
            foreach (var change in member.RoleHistory)
            {
                if (Compare(change.From, endOfBlock) <= 0)
                {
                    current = change;
                }
            }

            if (current is null)
            {
                continue;
            }

            var keys = new List<KeyRecord>();
            foreach (var keyId in member.KeyIds)
            {
                var key = GetKey(keyId.Span) ?? throw Missing("key", keyId.Span);
                if (Compare(key.ValidFrom, endOfBlock) <= 0 && (key.ValidUntil is null || key.ValidUntil.Height > height))
                {
                    keys.Add(key);
                }
            }

            members.Add(new MemberAtHeight(member.MemberId, member.DisplayName, current.Role, current.Active, keys));
        }

        return members;
    }

    public IReadOnlyList<NodeRecord> GetNodes()
    {
        var nodes = new List<NodeRecord>();
        foreach (var entry in state.Scan(StateKeys.NodePrefix()))
        {
            nodes.Add(NodeRecord.Parser.ParseFrom(entry.Value));
        }

        return nodes;
    }

    /// <summary>
    /// The nodes of the node set at the end of block <paramref name="height"/> (0 = genesis): added at
    /// or before it and not removed by then. A node removed and later added again keeps one record
    /// (its latest addition), so before that re-addition it is not listed.
    /// </summary>
    public IReadOnlyList<NodeRecord> GetNodesAt(ulong height)
    {
        var endOfBlock = new ChainPosition { Height = height, Index = uint.MaxValue };
        var nodes = new List<NodeRecord>();
        foreach (var node in GetNodes())
        {
            var added = node.AddedAt is null || Compare(node.AddedAt, endOfBlock) <= 0;
            var removed = node.RemovedAt is not null && Compare(node.RemovedAt, endOfBlock) <= 0;
            if (added && !removed)
            {
                nodes.Add(node);
            }
        }

        return nodes;
    }

    /// <summary>Registered works whose perceptual hash is within <paramref name="maxDistance"/> bits (≤ 8) of <paramref name="perceptualHash"/>.</summary>
    public SimilarWorksResult FindSimilarWorks(ulong perceptualHash, int maxDistance, int limit) =>
        options.Similarity.FindSimilar(state, perceptualHash, maxDistance, limit);

    private static int Compare(ChainPosition a, ChainPosition b)
    {
        var byHeight = a.Height.CompareTo(b.Height);
        return byHeight != 0 ? byHeight : a.Index.CompareTo(b.Index);
    }

    private static RegistryInvariantException Missing(string what, ReadOnlySpan<byte> id) =>
        new($"index refers to missing {what} {Convert.ToHexString(id)}");

    private T? Get<T>(StateKey key, MessageParser<T> parser)
        where T : class, IMessage<T>
        => state.TryGet(key, out var bytes) ? parser.ParseFrom(bytes) : null;

    // read(suffix after the prefix, value) turns one index entry into an item.
    private Page<T> Paged<T>(StateKey prefix, byte[]? pageToken, int suffixBytes, int pageSize, Func<byte[], byte[], T> read)
    {
        if (pageSize is < 1 or > RegistryLimits.QueryPageSizeMax)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"must be in [1, {RegistryLimits.QueryPageSizeMax}]");
        }

        if (pageToken is not null && pageToken.Length != suffixBytes)
        {
            throw new ArgumentException($"page token must be {suffixBytes} bytes, was {pageToken.Length}", nameof(pageToken));
        }

        StateKey? startAfter = pageToken is null ? null : StateKeys.Concat(prefix, pageToken);
        var items = new List<T>(Math.Min(pageSize, 64));
        byte[]? lastSuffix = null;
        var more = false;
        foreach (var entry in state.Scan(prefix, startAfter))
        {
            if (items.Count == pageSize)
            {
                more = true;
                break;
            }

            var suffix = StateKeys.SuffixAfter(entry.Key, prefix).ToArray();
            items.Add(read(suffix, entry.Value));
            lastSuffix = suffix;
        }

        return new Page<T>(items, more ? lastSuffix : null);
    }
}
