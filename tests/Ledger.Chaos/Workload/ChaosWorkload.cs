using Ledger.Chaos.History;

namespace Ledger.Chaos.Workload;

/// <summary>
/// The chaos run's clients (issue #16, point 2): <see cref="WorkloadOptions.ClientCount"/> writers
/// registering works through the SDK at <see cref="WorkloadOptions.RegistrationsPerSecond"/> in all
/// (SubmitStreams, retries of the same signed transaction, a few deliberate duplicates),
/// <see cref="WorkloadOptions.ReaderCount"/> readers looking works up by content hash at linearizable
/// and local consistency, and a few evidence exports, every invocation and completion recorded in the
/// <see cref="HistoryRecorder"/>. Runs until cancelled; then stops issuing, lets what was sent complete
/// for up to <see cref="WorkloadOptions.DrainTimeout"/>, records what is still open as Unknown, and
/// returns the <see cref="WorkloadSummary"/>.
/// </summary>
public sealed class ChaosWorkload
{
    private readonly WorkloadRun context;

    public ChaosWorkload(WorkloadOptions options, HistoryRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recorder);
        options.Validate();
        context = new WorkloadRun(options, recorder);
    }

    /// <summary>The counts so far (safe to read while running, e.g. for progress lines).</summary>
    public WorkloadSummary Summary => context.Counters.Snapshot();

    public async Task<WorkloadSummary> RunAsync(CancellationToken cancellation)
    {
        var options = context.Options;
        using var drain = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
        using var startDrain = cancellation.Register(() => drain.CancelAfter(options.DrainTimeout));
        var writerConnections = new List<WorkloadConnections>(options.ClientCount);
        var readerConnections = new List<WorkloadConnections>(options.ReaderCount);
        var clients = new List<Task>(options.ClientCount + options.ReaderCount + 1);
        try
        {
            for (var i = 0; i < options.ClientCount; i++)
            {
                var connections = new WorkloadConnections(options, options.AttemptTimeout);
                writerConnections.Add(connections);
                var clientId = i;
                clients.Add(Task.Run(() => new RegistrationWriter(clientId, context, connections).RunAsync(cancellation, drain.Token), CancellationToken.None));
            }

            for (var i = 0; i < options.ReaderCount; i++)
            {
                var connections = new WorkloadConnections(options, options.ReadTimeout);
                readerConnections.Add(connections);
                var clientId = options.ClientCount + i;
                clients.Add(Task.Run(() => new WorkReader(clientId, context, connections).RunAsync(cancellation, drain.Token), CancellationToken.None));
            }

            var evidenceClientId = options.ClientCount + options.ReaderCount;
            clients.Add(Task.Run(() => new EvidenceCollector(evidenceClientId, context).RunAsync(cancellation, drain.Token), CancellationToken.None));
            await Task.WhenAll(clients).ConfigureAwait(false);
        }
        finally
        {
            foreach (var connections in writerConnections)
            {
                await connections.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var connections in readerConnections)
            {
                await connections.DisposeAsync().ConfigureAwait(false);
            }
        }

        return Summary;
    }
}
