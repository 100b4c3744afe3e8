using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Randomized;

/// <summary>Raft's safety properties (dissertation Figure 3.2), checked after every step of a randomized run.</summary>
internal sealed class SafetyChecker
{
    private readonly Dictionary<ulong, ulong> leaderByTerm = [];
    private readonly Dictionary<ulong, (ulong Term, string Data, ulong SeenInTerm)> committedByIndex = [];
    private ulong highestTerm;

    public List<string> Violations { get; } = [];

    public int CommittedCount => committedByIndex.Count;

    public void Check(IEnumerable<TestPeer> peers)
    {
        foreach (var peer in peers)
        {
            highestTerm = Math.Max(highestTerm, peer.Node.Term);
        }

        foreach (var peer in peers)
        {
            CheckElectionSafety(peer);
            CheckStateMachineSafety(peer);
        }

        foreach (var peer in peers)
        {
            CheckLeaderCompleteness(peer);
        }
    }

    private void CheckElectionSafety(TestPeer peer)
    {
        if (peer.Node.Role != RaftRole.Leader)
        {
            return;
        }

        var term = peer.Node.Term;
        if (leaderByTerm.TryGetValue(term, out var existing) && existing != peer.Id)
        {
            Violations.Add($"election safety: term {term} has leaders {existing} and {peer.Id}");
        }

        leaderByTerm[term] = peer.Id;
    }

    private void CheckStateMachineSafety(TestPeer peer)
    {
        foreach (var entry in peer.Applied)
        {
            var data = System.Text.Encoding.UTF8.GetString(entry.Data.Span);
            if (committedByIndex.TryGetValue(entry.Index, out var known))
            {
                if (known.Term != entry.Term || known.Data != data)
                {
                    Violations.Add($"state machine safety: index {entry.Index} applied as {known.Term}/{known.Data} and {entry.Term}/{data} (node {peer.Id})");
                }
            }
            else
            {
                // The entry was committed in some term <= the highest term seen now.
                committedByIndex[entry.Index] = (entry.Term, data, highestTerm);
            }
        }
    }

    private void CheckLeaderCompleteness(TestPeer peer)
    {
        if (peer.Node.Role != RaftRole.Leader)
        {
            return;
        }

        var first = peer.Storage.FirstIndex();
        var last = peer.Storage.LastIndex();
        foreach (var (index, known) in committedByIndex)
        {
            // Leader completeness covers leaders of terms after the entry was committed.
            if (index < first || peer.Node.Term <= known.SeenInTerm)
            {
                continue;
            }

            if (index > last || peer.Storage.Term(index) != known.Term)
            {
                Violations.Add($"leader completeness: leader {peer.Id} of term {peer.Node.Term} lacks committed entry {index}/{known.Term}");
                return;
            }
        }
    }
}
