namespace Ledger.Consensus;

/// <summary>
/// Membership (voters and learners) with per-peer progress and the votes of the current election.
/// Iteration is in ascending id order so runs are deterministic.
/// </summary>
internal sealed class ProgressTracker
{
    private const int StackQuorumMax = 64;
    private readonly Dictionary<ulong, Progress> progressById = [];
    private readonly Dictionary<ulong, bool> votes = [];
    private readonly int maxInflight;
    private Progress[] ordered = [];
    private ulong[] voters = [];
    private ulong[] learners = [];

    public ProgressTracker(int maxInflight)
    {
        this.maxInflight = maxInflight;
    }

    /// <summary>All peers (voters and learners), ascending by id. Replaced, never mutated, on membership change.</summary>
    public Progress[] All => ordered;

    public ulong[] Voters => voters;

    public ulong[] Learners => learners;

    public int Quorum => (voters.Length / 2) + 1;

    public bool IsSingleton => voters.Length == 1;

    public bool TryGet(ulong id, out Progress progress) => progressById.TryGetValue(id, out progress!);

    public bool Contains(ulong id) => progressById.ContainsKey(id);

    public bool IsVoter(ulong id) => Array.BinarySearch(voters, id) >= 0;

    public ConfState ConfState() => new(voters, learners);

    /// <summary>Replaces membership; existing peers keep their progress, new ones start at <paramref name="next"/>.</summary>
    public void SetMembership(ConfState confState, ulong next)
    {
        var keep = new Dictionary<ulong, Progress>(progressById);
        progressById.Clear();
        foreach (var id in confState.Voters)
        {
            AddOrKeep(keep, id, next, isLearner: false);
        }

        foreach (var id in confState.Learners)
        {
            AddOrKeep(keep, id, next, isLearner: true);
        }

        voters = (ulong[])confState.Voters.Clone();
        learners = (ulong[])confState.Learners.Clone();
        var all = new Progress[progressById.Count];
        var i = 0;
        foreach (var progress in progressById.Values)
        {
            all[i++] = progress;
        }

        Array.Sort(all, static (a, b) => a.Id.CompareTo(b.Id));
        ordered = all;
    }

    /// <summary>
    /// Highest index stored on a majority of voters (dissertation §3.6). A recovering voter counts as holding
    /// nothing: its log may lack entries below its match, so it must not help commit anything.
    /// </summary>
    public ulong QuorumCommitted()
    {
        var count = voters.Length;
        if (count == 0)
        {
            return 0;
        }

        Span<ulong> matches = count <= StackQuorumMax ? stackalloc ulong[count] : new ulong[count];
        for (var i = 0; i < count; i++)
        {
            var progress = progressById[voters[i]];
            matches[i] = progress.Recovering ? 0 : progress.Match;
        }

        matches.Sort();
        return matches[count - Quorum];
    }

    /// <summary>Check-quorum: has a majority of voters (counting <paramref name="self"/>) been heard from recently?</summary>
    public bool QuorumActive(ulong self)
    {
        var active = 0;
        foreach (var id in voters)
        {
            if (id == self || progressById[id].RecentActive)
            {
                active++;
            }
        }

        return active >= Quorum;
    }

    public void ResetVotes() => votes.Clear();

    public void RecordVote(ulong id, bool granted) => votes.TryAdd(id, granted);

    public VoteResult TallyVotes()
    {
        var granted = 0;
        var rejected = 0;
        foreach (var id in voters)
        {
            if (votes.TryGetValue(id, out var vote))
            {
                if (vote)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        if (granted >= Quorum)
        {
            return VoteResult.Won;
        }

        return voters.Length - rejected < Quorum ? VoteResult.Lost : VoteResult.Pending;
    }

    private void AddOrKeep(Dictionary<ulong, Progress> keep, ulong id, ulong next, bool isLearner)
    {
        if (keep.TryGetValue(id, out var existing))
        {
            existing.IsLearner = isLearner;
            progressById[id] = existing;
            return;
        }

        // A peer just added is presumed active so check-quorum gives it a full round to respond.
        progressById[id] = new Progress(id, next, maxInflight, isLearner) { RecentActive = true };
    }
}
