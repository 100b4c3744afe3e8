using Ledger.Chaos.Checking.Chain;
using Ledger.Chaos.Checking.Evidence;
using Ledger.Chaos.Checking.Linearizability;
using Ledger.Chaos.History;
using Ledger.Core.Consortium;

namespace Ledger.Chaos.Checking;

/// <summary>
/// The checker of a chaos run, called once all faults are healed: the history's registers
/// (<see cref="LinearizabilityChecker"/>), the nodes' chains against the acknowledgements
/// (<see cref="ChainChecker"/>) and the exported evidence (<see cref="EvidenceRechecker"/>), folded
/// into one <see cref="CheckVerdict"/>. The report is also written to <see cref="ReportFileName"/> in
/// the run directory.
/// </summary>
public static class RunChecker
{
    public const string ReportFileName = "checker-report.txt";

    /// <summary>Checks a run against nodes reached over plain gRPC (node id, public URL), with the genesis file's path.</summary>
    public static async Task<CheckVerdict> CheckAsync(IReadOnlyList<Operation> history, IReadOnlyList<(string NodeId, string PublicUrl)> nodes, string genesisPath, string runDirectory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var genesisDocument = await File.ReadAllBytesAsync(genesisPath, cancellation).ConfigureAwait(false);
        return await CheckAsync(history, [.. nodes.Select(n => CheckedNode.Plain(n.NodeId, n.PublicUrl))], genesisDocument, runDirectory, cancellation).ConfigureAwait(false);
    }

    /// <summary>Checks a run against the nodes' public endpoints (one SDK client per node, pinned to it).</summary>
    public static async Task<CheckVerdict> CheckAsync(IReadOnlyList<Operation> history, IReadOnlyList<CheckedNode> nodes, byte[] genesisDocument, string runDirectory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var chains = nodes.Select(n => new ClientNodeChain(n)).ToList();
        try
        {
            return await CheckAsync(history, chains, genesisDocument, runDirectory, cancellation).ConfigureAwait(false);
        }
        finally
        {
            foreach (var chain in chains)
            {
                await chain.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Checks a run against any chain sources (tests pass fakes or in-process nodes).</summary>
    public static async Task<CheckVerdict> CheckAsync(IReadOnlyList<Operation> history, IReadOnlyList<INodeChain> nodes, byte[] genesisDocument, string runDirectory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(genesisDocument);
        ArgumentNullException.ThrowIfNull(runDirectory);
        var genesis = ConsortiumGenesis.Parse(genesisDocument);
        var registers = await Task.Run(() => LinearizabilityChecker.Check(history), cancellation).ConfigureAwait(false);
        var chain = await ChainChecker.CheckAsync(history, nodes, genesis, cancellation).ConfigureAwait(false);
        var evidence = await Task.Run(() => EvidenceRechecker.Check(history, genesisDocument, runDirectory), cancellation).ConfigureAwait(false);
        var verdict = Combine(history, registers, chain, evidence);
        Directory.CreateDirectory(runDirectory);
        await File.WriteAllTextAsync(Path.Combine(runDirectory, ReportFileName), verdict.ToText(), cancellation).ConfigureAwait(false);
        return verdict;
    }

    /// <summary>One verdict from the three reports; violations ordered by kind, then as each check found them.</summary>
    public static CheckVerdict Combine(IReadOnlyList<Operation> history, LinearizabilityReport registers, ChainReport chain, EvidenceRecheckReport evidence)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(registers);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(evidence);
        var vanished = VanishedReadCheck.Check(history, chain, registers.InventedReadIds);
        var undecided = registers.UndecidedKeys.Select(key => $"work {key}: undecided (search bound of {LinearizabilitySearch.StatesPerKeyMax} states reached)");
        return new CheckVerdict
        {
            Acked = chain.Acked,
            Lost = chain.Lost,
            Duplicated = chain.Duplicated,
            Diverged = chain.Diverged,
            AuditFailures = chain.AuditFailures,
            Unreachable = chain.Unreachable,
            NonLinearizableWorks = registers.NonLinearizableWorks,
            InventedReads = registers.InventedReads,
            VanishedReads = vanished.Count,
            UndecidedWorks = registers.UndecidedWorks,
            UndecidedNotes = [.. undecided],
            WorksChecked = registers.WorksChecked,
            EvidenceChecked = evidence.Checked,
            EvidenceFailures = evidence.Failures,
            NodeHeights = chain.NodeHeights,
            HistoryStartTimestamp = history.Count == 0 ? 0 : history.Min(o => o.InvokedAt),
            Violations = [.. chain.Violations.Concat(registers.Violations).Concat(vanished.Violations).Concat(evidence.Violations).OrderBy(v => v.Kind)],
        };
    }
}
