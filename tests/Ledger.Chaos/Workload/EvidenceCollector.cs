using Grpc.Core;
using Ledger.Chaos.History;
using Ledger.Client;
using Ledger.Client.Evidence;
using Ledger.Core.Evidence;

namespace Ledger.Chaos.Workload;

/// <summary>
/// Every <see cref="WorkloadOptions.EvidenceInterval"/>, exports the evidence bundle of a registration
/// acknowledged at least <see cref="WorkloadLimits.EvidenceAckAgeMin"/> ago (so its block is likely
/// certified) into <c>RunDirectory/evidence/</c>, and records it: the checker re-verifies every bundle
/// at the end. At most <see cref="WorkloadOptions.EvidenceExportsMax"/> bundles, and twice that many attempts.
/// </summary>
internal sealed class EvidenceCollector(int clientId, WorkloadRun context)
{
    public async Task RunAsync(CancellationToken issuing, CancellationToken drain)
    {
        var options = context.Options;
        if (options.EvidenceExportsMax == 0 || options.RunDirectory is null)
        {
            return;
        }

        var directory = Path.Combine(options.RunDirectory, "evidence");
        Directory.CreateDirectory(directory);
        await using var client = WorkloadConnections.Verifying(options, context.Genesis);
        var clock = options.TimeProvider;
        var ageMin = (long)(WorkloadLimits.EvidenceAckAgeMin.TotalSeconds * clock.TimestampFrequency);
        AcknowledgedRegistration? last = null;
        var exported = 0;
        var attempts = 0;
        try
        {
            while (attempts < 2 * options.EvidenceExportsMax && exported < options.EvidenceExportsMax && !context.Counters.HistoryFull)
            {
                await Task.Delay(options.EvidenceInterval, clock, issuing).ConfigureAwait(false);
                var candidate = context.RecentAcks.NewestAcknowledgedBy(clock.GetTimestamp() - ageMin);
                if (candidate is null || ReferenceEquals(candidate, last))
                {
                    continue;
                }

                attempts++;
                if (await ExportAsync(client, candidate, directory, drain).ConfigureAwait(false))
                {
                    // A failed one (its block not certified yet, a node down) is tried again next time if still the newest.
                    last = candidate;
                    exported++;
                }
            }
        }
        catch (OperationCanceledException) when (issuing.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private async Task<bool> ExportAsync(LedgerClient client, AcknowledgedRegistration acknowledged, string directory, CancellationToken drain)
    {
        var nodeId = NodeIdOf(client.CurrentEndpoint);
        var invoked = context.Recorder.Invoke(clientId, OperationKind.ExportEvidence, acknowledged.WorkKey, nodeId);
        if (invoked is null)
        {
            context.Counters.HistoryFull = true;
            return false;
        }

        var transactionHash = Convert.ToHexStringLower(acknowledged.TransactionHash);
        try
        {
            var bundle = await EvidenceExporter.ExportAsync(client, context.Options.GenesisBytes, acknowledged.TransactionHash, itemIndex: null, cancellation: drain).ConfigureAwait(false);
            var path = Path.Combine(directory, $"{transactionHash}.json");
            await File.WriteAllBytesAsync(path, EvidenceBundleJson.Write(bundle), drain).ConfigureAwait(false);
            context.Recorder.Complete(invoked, invoked with
            {
                Outcome = OutcomeKind.Ok,
                TransactionHash = transactionHash,
                BlockHeight = bundle.BlockHeight,
                Position = (int)bundle.Position,
                EvidencePath = path,
            });
            Interlocked.Increment(ref context.Counters.EvidenceExported);
            return true;
        }
        catch (Exception e) when (e is RpcException or LedgerUnavailableException or ClientVerificationException or ForkDetectedException or OperationCanceledException or IOException or HttpRequestException)
        {
            // Exporting changes nothing in the ledger; a failure is reported, not judged (a lying node is the checker's to catch).
            context.Recorder.Complete(invoked, invoked with { Outcome = OutcomeKind.Failed, TransactionHash = transactionHash, Error = WorkloadRun.Describe(e) });
            Interlocked.Increment(ref context.Counters.EvidenceFailed);
            return false;
        }
    }

    private string NodeIdOf(Uri endpoint)
    {
        foreach (var node in context.Options.Nodes)
        {
            if (node.PublicEndpoint == endpoint)
            {
                return node.NodeId;
            }
        }

        return endpoint.Authority;
    }
}
