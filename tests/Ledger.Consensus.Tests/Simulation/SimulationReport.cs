using Ledger.Simulation;

namespace Ledger.Consensus.Tests.Simulation;

internal static class SimulationReport
{
    private const int TraceLinesShown = 60;

    /// <summary>A failure message a reader can act on: the violation, the replay command, the last trace lines.</summary>
    public static string Describe(SimulationResult result)
    {
        var tail = result.TraceTail;
        var shown = tail.Skip(Math.Max(0, tail.Count - TraceLinesShown));
        return $"seed {result.Options.Seed} ({result.Options.Nodes} nodes): {result.Violation?.Message}\nreplay: {result.Options.ReplayCommand()}\n{string.Join('\n', shown)}";
    }
}
