using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>"Serving" as a client sees it: Status answers at (at least) the expected height, and a registry query answers.</summary>
internal static class NodeServing
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(2);

    /// <summary>Seconds from now until the node serves; throws after <paramref name="waitMax"/>.</summary>
    public static async Task<double> WaitAsync(
        LedgerApi.LedgerApiClient ledger,
        RegistryQuery.RegistryQueryClient registry,
        ulong expectedHeight,
        byte[]? probeWorkId,
        NodeProcess node,
        TimeSpan waitMax)
    {
        var started = Stopwatch.GetTimestamp();
        var statusAnswered = false;
        while (Stopwatch.GetElapsedTime(started) < waitMax)
        {
            if (node.HasExited)
            {
                throw new InvalidOperationException($"the node exited while starting; see {node.LogPath}");
            }

            try
            {
                if (!statusAnswered)
                {
                    var status = await ledger.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false);
                    statusAnswered = status.Height >= expectedHeight && string.Equals(status.Role, "Leader", StringComparison.OrdinalIgnoreCase) && !status.Recovering;
                }

                if (statusAnswered)
                {
                    if (probeWorkId is null)
                    {
                        return Stopwatch.GetElapsedTime(started).TotalSeconds;
                    }

                    var work = await registry.GetWorkAsync(new GetWorkRequest { WorkId = ByteString.CopyFrom(probeWorkId) }, deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false);
                    if (work.Work is not null)
                    {
                        return Stopwatch.GetElapsedTime(started).TotalSeconds;
                    }
                }
            }
            catch (RpcException)
            {
                // Not listening yet, or no leader yet: poll again.
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        throw new TimeoutException($"the node did not serve height {expectedHeight} within {waitMax.TotalSeconds:F0} s; see {node.LogPath}");
    }
}
