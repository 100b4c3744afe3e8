using Ledger.Chaos.Workload;

namespace Ledger.Chaos.Hooks;

/// <summary>The workload's <see cref="ChaosWorkload"/>: writers as the consortium's platform member, readers, evidence exports.</summary>
public sealed class ChaosWorkloadHook : IChaosWorkload
{
    private CancellationTokenSource? stopping;
    private Task<WorkloadSummary>? running;

    /// <summary>What the workload did, once stopped.</summary>
    public WorkloadSummary? Summary { get; private set; }

    public async Task StartAsync(WorkloadContext context, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new WorkloadOptions
        {
            Nodes = [.. context.Endpoints.Select(e => new WorkloadNode(e.NodeId, new Uri(e.PublicUrl)))],
            GenesisBytes = await File.ReadAllBytesAsync(context.Consortium.GenesisPath, cancel).ConfigureAwait(false),
            Signers = [new WorkloadSigner("platform-1", context.Consortium.Platform)],
            RegistrationsPerSecond = context.RatePerSecond,
            RunDirectory = context.RunDirectory,
            Seed = context.Seed,
        };
        var workload = new ChaosWorkload(options, context.Recorder);
        stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var token = stopping.Token;
        running = Task.Run(() => workload.RunAsync(token), CancellationToken.None);
    }

    public async Task<string> StopAsync()
    {
        if (stopping is null || running is null)
        {
            return "workload: not started";
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        Summary = await running.ConfigureAwait(false);
        stopping.Dispose();
        return $"workload: {Summary}";
    }
}
