using Grpc.Core;
using Ledger.Chaos.Cluster;
using Ledger.Chaos.Run;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Faults;

/// <summary>
/// A membership fault: start a fresh node and add it by governance, then remove another, while the
/// schedule's other faults go on. Node ids are never reused, so the newcomer is a spare made up front.
/// </summary>
internal sealed class MembershipChange(ChaosCluster cluster, GovernanceTransactions governance, RunLog log)
{
    private static readonly TimeSpan SubmitBudget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan VotersBudget = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    public async Task RunAsync(ChaosNode leaving, ChaosNode joining, CancellationToken cancel)
    {
        // Add before remove, as an operator replaces a node: the voters grow to N+1 and come back to N, never
        // down to N-1. Removing first left a 3-node cluster with two voters, and then one node recovering
        // from disk damage (it does not vote) stopped every election for good.
        var config = cluster.ConfigOf(joining);
        joining.Start();
        cluster.MarkAdded(joining);
        log.Write($"membership: proposing AddNode {joining.NodeId}");
        var addition = await SubmitAsync(governance.AddNode(joining.NodeId, config.PeerUrl, config.Key), cancel).ConfigureAwait(false);
        log.Write($"membership: AddNode {joining.NodeId} committed: {Describe(addition)}");
        var joined = await WaitForVotersAsync(voters => voters.Contains(joining.NodeId), exclude: null, cancel).ConfigureAwait(false);
        log.Write(joined ? $"membership: {joining.NodeId} is a voter" : $"membership: {joining.NodeId} not a voter after {VotersBudget.TotalSeconds}s");

        log.Write($"membership: proposing RemoveNode {leaving.NodeId}");
        var removal = await SubmitAsync(governance.RemoveNode(leaving.NodeId), cancel).ConfigureAwait(false);
        log.Write($"membership: RemoveNode {leaving.NodeId} committed: {Describe(removal)}");
        var left = await WaitForVotersAsync(voters => !voters.Contains(leaving.NodeId), exclude: leaving, cancel).ConfigureAwait(false);
        log.Write(left ? $"membership: {leaving.NodeId} left the voters; stopping it for good" : $"membership: {leaving.NodeId} still a voter after {VotersBudget.TotalSeconds}s; stopping it anyway");
        leaving.Kill();
        cluster.MarkRemoved(leaving);
    }

    private static string Describe(Receipt? receipt) =>
        receipt is null ? "an earlier attempt was (AlreadyExists)" : $"height {receipt.BlockHeight} ({receipt.Result.Code})";

    /// <summary>The receipt, or null when a retry found the transaction already committed.</summary>
    private async Task<Receipt?> SubmitAsync(SignedTransaction transaction, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + SubmitBudget;
        var attempt = 0;
        while (true)
        {
            var members = cluster.Members.Where(n => n.IsRunning && !n.IsPaused).ToList();
            var target = members.Count == 0 ? null : members[attempt++ % members.Count];
            try
            {
                if (target is not null)
                {
                    var response = await target.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancel).ConfigureAwait(false);
                    return response.Receipt;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                return null;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
            {
                // No leader, node down or partitioned: the same signed transaction again, elsewhere.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"governance transaction not acknowledged within {SubmitBudget}");
            }

            await Task.Delay(RetryDelay, cancel).ConfigureAwait(false);
        }
    }

    private async Task<bool> WaitForVotersAsync(Func<IReadOnlyCollection<string>, bool> condition, ChaosNode? exclude, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + VotersBudget;
        while (DateTime.UtcNow < deadline)
        {
            if (await cluster.FindLeaderAsync(cancel).ConfigureAwait(false) is { } leader && leader.Node != exclude && condition(leader.Status.Voters))
            {
                return true;
            }

            await Task.Delay(RetryDelay, cancel).ConfigureAwait(false);
        }

        return false;
    }
}
