using Grpc.Core;
using Ledger.Chaos.Cluster;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Run;

/// <summary>
/// After the heal, one registration must commit: a cluster that converged but can no longer commit
/// (no leader ever elected again, a quorum that never forms) is a liveness failure the chain checks
/// alone would pass.
/// </summary>
public static class LivenessProbe
{
    public static readonly TimeSpan CommitMax = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AttemptDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The receipt of a fresh registration, or null when none committed within <see cref="CommitMax"/>.</summary>
    public static async Task<Receipt?> CommitOneAsync(ChaosCluster cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var transaction = cluster.Consortium.RegisterWork();
        var deadline = DateTime.UtcNow + CommitMax;
        var attempt = 0;
        while (DateTime.UtcNow < deadline)
        {
            var members = cluster.Members;
            var target = members[attempt++ % members.Count];
            try
            {
                var response = await target.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow + AttemptDeadline, cancellationToken: cancel).ConfigureAwait(false);
                return response.Receipt;
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancel.IsCancellationRequested)
            {
                // Same signed transaction again, on the next member: a retry is idempotent (AlreadyExists once committed).
                if (e.StatusCode == StatusCode.AlreadyExists)
                {
                    return new Receipt();
                }
            }

            await Task.Delay(RetryDelay, cancel).ConfigureAwait(false);
        }

        return null;
    }
}
