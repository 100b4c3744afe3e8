using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>A fresh learner's catch-up from the leader by snapshot (not implemented yet: reports why).</summary>
internal sealed class LearnerCatchUp(string nodeDll, ScaleOptions options, string devDirectory, NodePorts leaderPorts, LedgerApi.LedgerApiClient leader)
{
    public Task<LearnerFigures> MeasureAsync(int step)
    {
        _ = (nodeDll, options, devDirectory, leaderPorts, leader, step);
        return Task.FromResult(new LearnerFigures(null, null, "learner not implemented yet"));
    }
}
