using Ledger.Chaos.History;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Hooks;

/// <summary>What the workload gets: where the nodes are, how fast to go, who signs, and where to record.</summary>
public sealed record WorkloadContext(
    IReadOnlyList<NodeEndpoint> Endpoints,
    int RatePerSecond,
    HistoryRecorder Recorder,
    TestConsortium Consortium,
    string RunDirectory,
    int Seed);

/// <summary>
/// Clients that submit and read while the faults run, recording every invocation and completion.
/// <see cref="StartAsync"/> returns once the clients run; <see cref="StopAsync"/> stops invoking,
/// waits (bounded) for what is in flight, which stays Unknown if it never returns, and says what the
/// workload did in one line.
/// </summary>
public interface IChaosWorkload
{
    Task StartAsync(WorkloadContext context, CancellationToken cancel);

    Task<string> StopAsync();
}
