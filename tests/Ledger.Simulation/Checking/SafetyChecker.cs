using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// Raft's safety properties, asserted as the run goes (Ongaro 2014, Figure 3.2 and §3.6.3), over
/// a global history that no single node has: who led each term, every (index, term) ever persisted,
/// every applied entry, and each committed index with the term of the leader that committed it.
/// </summary>
internal sealed class SafetyChecker
{
    private readonly SimNode[] nodes;
    private readonly Dictionary<ulong, ulong> leaderByTerm = [];
    private readonly Dictionary<(ulong Index, ulong Term), PersistedEntry> persisted = [];

    // Indexed by log index (slot 0 unused).
    private readonly List<AppliedEntry> applied = [default];
    private readonly List<CommittedEntry> committed = [default];

    private ulong committedMax;
    private bool storageRolledBack;
    private ulong committedMaxTerm;
    private ConfState committedMaxConf = ConfState.Empty;

    public SafetyChecker(SimNode[] nodes)
    {
        this.nodes = nodes;
    }

    public ulong CommittedMax => committedMax;

    /// <summary>
    /// A disk lost part of what its node acknowledged: from then on "durable on a quorum" is not a property the
    /// protocol can keep (the copies are gone), so only what it must keep is checked — no committed entry is ever
    /// replaced or missing from a later leader (leader completeness, state-machine safety).
    /// </summary>
    public void OnStorageRolledBack() => storageRolledBack = true;

    /// <summary>After every call into a node: one leader per term; commit and apply only move forward; record commits.</summary>
    public void AfterCall(SimNode node)
    {
        var raft = node.Raft!;
        if (raft.Role == RaftRole.Leader)
        {
            if (leaderByTerm.TryGetValue(raft.Term, out var other))
            {
                if (other != node.Id)
                {
                    throw new SimulationViolationException(ViolationKind.ElectionSafety, $"Nodes {other} and {node.Id} were both leader in term {raft.Term}.");
                }
            }
            else
            {
                leaderByTerm.Add(raft.Term, node.Id);
            }
        }

        if (raft.Committed < node.LastCommitted)
        {
            throw new SimulationViolationException(ViolationKind.Monotonicity, $"Node {node.Id} commit index went from {node.LastCommitted} to {raft.Committed} within incarnation {node.Incarnation}.");
        }

        if (raft.Applied < node.LastApplied)
        {
            throw new SimulationViolationException(ViolationKind.Monotonicity, $"Node {node.Id} applied index went from {node.LastApplied} to {raft.Applied} within incarnation {node.Incarnation}.");
        }

        node.LastCommitted = raft.Committed;
        node.LastApplied = raft.Applied;
        if (raft.Role == RaftRole.Leader)
        {
            RecordLeaderCommit(node, raft);
        }
    }

    /// <summary>Log matching, checked inductively: every (index, term) has one payload and one predecessor term.</summary>
    public void OnEntriesPersisted(SimNode node, IReadOnlyList<Entry> entries)
    {
        var firstDurable = node.Storage.FirstIndex();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Index < firstDurable)
            {
                continue;
            }

            var previousTerm = node.Storage.Term(entry.Index - 1);
            var record = new PersistedEntry(MachineState.DataHash(entry), previousTerm, node.Id);
            if (persisted.TryGetValue((entry.Index, entry.Term), out var seen))
            {
                if (seen.DataHash != record.DataHash)
                {
                    throw new SimulationViolationException(ViolationKind.LogMatching, $"Entry {entry.Index}/term {entry.Term} on node {node.Id} has other data than on node {seen.FirstNode}.");
                }

                if (seen.PreviousTerm != previousTerm)
                {
                    throw new SimulationViolationException(ViolationKind.LogMatching, $"Entry {entry.Index}/term {entry.Term} follows term {previousTerm} on node {node.Id} but term {seen.PreviousTerm} on node {seen.FirstNode}.");
                }
            }
            else
            {
                persisted.Add((entry.Index, entry.Term), record);
            }
        }
    }

    /// <summary>
    /// Leader completeness: once a leader of term T has persisted an entry of its own term, its durable
    /// log is its whole log up to there, and must hold every entry committed by a leader of a term before T.
    /// </summary>
    public void OnLeaderPersisted(SimNode node, IReadOnlyList<Entry> entries)
    {
        var raft = node.Raft!;
        if (raft.Role != RaftRole.Leader || node.LeaderCheckedTerm == raft.Term || entries.Count == 0 || entries[^1].Term != raft.Term)
        {
            return;
        }

        node.LeaderCheckedTerm = raft.Term;
        var firstDurable = node.Storage.FirstIndex();
        var lastDurable = node.Storage.LastIndex();
        for (var index = 1; index < committed.Count; index++)
        {
            var record = committed[index];
            if (record.CommitTerm == 0 || record.CommitTerm >= raft.Term || record.EntryTerm == 0 || (ulong)index < firstDurable)
            {
                continue;
            }

            if ((ulong)index > lastDurable)
            {
                throw new SimulationViolationException(ViolationKind.LeaderCompleteness, $"Leader {node.Id} of term {raft.Term} ends its log at {lastDurable} but entry {index} (term {record.EntryTerm}) was committed in term {record.CommitTerm}.");
            }

            var term = node.Storage.Term((ulong)index);
            if (term != record.EntryTerm)
            {
                throw new SimulationViolationException(ViolationKind.LeaderCompleteness, $"Leader {node.Id} of term {raft.Term} holds term {term} at index {index}, but term {record.EntryTerm} was committed there in term {record.CommitTerm}.");
            }
        }
    }

    /// <summary>State-machine safety: every application of index i is the same entry and yields the same state.</summary>
    public void OnApplied(SimNode node, Entry entry, ulong dataHash, MachineState after)
    {
        var index = (int)entry.Index;
        EnsureSlots(applied, index);
        var seen = applied[index];
        if (seen.Term == 0)
        {
            applied[index] = new AppliedEntry(entry.Term, dataHash, after.Hash, node.Id);
        }
        else if (seen.Term != entry.Term || seen.DataHash != dataHash)
        {
            throw new SimulationViolationException(ViolationKind.StateMachineSafety, $"Node {node.Id} applied {entry.Index}/term {entry.Term} but node {seen.FirstNode} applied {entry.Index}/term {seen.Term} (data equal: {seen.DataHash == dataHash}).");
        }
        else if (seen.StateHash != after.Hash)
        {
            throw new SimulationViolationException(ViolationKind.StateMachineSafety, $"Node {node.Id} reached another state than node {seen.FirstNode} after applying index {entry.Index}.");
        }

        EnsureSlots(committed, index);
        var commitRecord = committed[index];
        if (commitRecord.EntryTerm == 0)
        {
            committed[index] = commitRecord with { EntryTerm = entry.Term };
        }
        else if (commitRecord.EntryTerm != entry.Term)
        {
            throw new SimulationViolationException(ViolationKind.StateMachineSafety, $"Node {node.Id} applied {entry.Index}/term {entry.Term} but a leader committed term {commitRecord.EntryTerm} there.");
        }
    }

    /// <summary>A snapshot image (made by a node or installed from a leader) must equal the applied state at its index.</summary>
    public void OnSnapshot(SimNode node, MachineState image)
    {
        var index = (int)image.Applied;
        if (index < applied.Count && applied[index].Term != 0 && applied[index].StateHash != image.Hash)
        {
            throw new SimulationViolationException(ViolationKind.SnapshotMismatch, $"Node {node.Id} holds a snapshot at {index} whose state differs from what node {applied[index].FirstNode} applied there.");
        }
    }

    /// <summary>
    /// Committed entries survive crashes: the newest committed entry must still be durable on a quorum of
    /// the configuration that committed it (every holder also holds the prefix, by log matching).
    /// </summary>
    public void CheckCommittedDurable(string when)
    {
        if (committedMax == 0 || committedMaxTerm == 0 || storageRolledBack)
        {
            return;
        }

        var holders = 0;
        foreach (var voter in committedMaxConf.Voters)
        {
            var node = nodes[(int)voter - 1];
            if (node.DurablyHolds(committedMax, committedMaxTerm))
            {
                holders++;
            }
        }

        var quorum = (committedMaxConf.Voters.Length / 2) + 1;
        if (holders < quorum)
        {
            throw new SimulationViolationException(ViolationKind.CommittedEntryLost, $"{when}: committed entry {committedMax}/term {committedMaxTerm} is durable on {holders} of voters [{string.Join(',', committedMaxConf.Voters)}], fewer than a quorum of {quorum}.");
        }
    }

    private void RecordLeaderCommit(SimNode node, RaftNode raft)
    {
        if (node.CommitRecordTerm != raft.Term)
        {
            node.CommitRecordTerm = raft.Term;
            node.CommitRecordedTo = 0;
        }

        var commit = raft.Committed;
        if (commit <= node.CommitRecordedTo)
        {
            return;
        }

        EnsureSlots(committed, (int)commit);
        var firstDurable = node.Storage.FirstIndex();
        var recordedTo = node.CommitRecordedTo;
        for (var index = Math.Max(node.CommitRecordedTo + 1, firstDurable); index <= commit; index++)
        {
            // A leader may commit entries a quorum of followers holds before its own write completes (§10.2.1):
            // record up to what its disk holds, and come back for the rest once it does.
            var term = node.DurableTermOrZero(index);
            if (term == 0)
            {
                break;
            }

            var record = committed[(int)index];
            if (record.EntryTerm != 0 && record.EntryTerm != term)
            {
                throw new SimulationViolationException(ViolationKind.StateMachineSafety, $"Leader {node.Id} of term {raft.Term} committed {index}/term {term}, but {index}/term {record.EntryTerm} was committed before.");
            }

            var commitTerm = record.CommitTerm == 0 ? raft.Term : Math.Min(record.CommitTerm, raft.Term);
            committed[(int)index] = new CommittedEntry(term, commitTerm);
            recordedTo = index;
        }

        if (recordedTo > node.CommitRecordedTo)
        {
            node.CommitRecordedTo = recordedTo;
            if (recordedTo > committedMax)
            {
                committedMax = recordedTo;
                committedMaxTerm = node.DurableTermOrZero(recordedTo);
                committedMaxConf = node.State.Conf;
            }
        }
    }

    private static void EnsureSlots<T>(List<T> list, int index)
    {
        while (list.Count <= index)
        {
            list.Add(default!);
        }
    }

    private readonly record struct PersistedEntry(ulong DataHash, ulong PreviousTerm, ulong FirstNode);

    private readonly record struct AppliedEntry(ulong Term, ulong DataHash, ulong StateHash, ulong FirstNode);

    private readonly record struct CommittedEntry(ulong EntryTerm, ulong CommitTerm);
}
