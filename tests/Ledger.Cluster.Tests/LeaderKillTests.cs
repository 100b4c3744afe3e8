using Google.Protobuf;
using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Cluster.Tests;

/// <summary>Issue #5: a leader SIGKILLed under load loses no acknowledged transaction, and the chains never fork.</summary>
[NonParallelizable]
public sealed class LeaderKillTests
{
    private const int SubmissionCount = 1_000;

    /// <summary>Acknowledged submissions to wait for before the kill, so the kill lands mid-load.</summary>
    private const int AcknowledgedBeforeKill = 100;

    private static readonly TimeSpan SubmitDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(60);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task LeaderKilled_WhileOneThousandSubmissionsAreInFlight_EveryAcknowledgedReceiptIsInEveryChain()
    {
        // Arrange
        cluster = ProcessCluster.Start(3);
        var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
        var transactions = new SignedTransaction[SubmissionCount];
        for (var i = 0; i < transactions.Length; i++)
        {
            transactions[i] = cluster.Consortium.RegisterWork();
        }

        var clients = cluster.Nodes.Select(n => n.Client).ToArray();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Receipt>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<StatusCode>();
        var failureDetails = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task SubmitOneAsync(int index)
        {
            // Like a real client: retry the same signed transaction on Unavailable (no leader yet, node down) until the budget is spent.
            var budgetEnd = DateTime.UtcNow + SubmitDeadline;
            var attempt = index;
            while (true)
            {
                try
                {
                    var response = await clients[attempt % clients.Length].SubmitAsync(new SubmitRequest { Transaction = transactions[index] }, deadline: budgetEnd);
                    acknowledged.Add(response.Receipt);
                    if (acknowledged.Count >= AcknowledgedBeforeKill)
                    {
                        enoughAcknowledged.TrySetResult();
                    }

                    return;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow + RetryDelay < budgetEnd)
                {
                    attempt++;
                    await Task.Delay(RetryDelay);
                }
                catch (RpcException e)
                {
                    failures.Add(e.StatusCode);
                    failureDetails.AddOrUpdate($"{cluster!.Nodes[attempt % clients.Length].NodeId}: {e.StatusCode} {e.Status.Detail}", 1, (_, n) => n + 1);
                    return;
                }
            }
        }

        await WaitUntilEveryNodeAcceptsASubmissionAsync(cluster);

        // Act
        var submissions = Enumerable.Range(0, SubmissionCount).Select(i => Task.Run(() => SubmitOneAsync(i))).ToArray();
        await Task.WhenAny(enoughAcknowledged.Task, Task.WhenAll(submissions));
        var settledAtKill = submissions.Count(t => t.IsCompleted);
        leader.Kill();
        await Task.WhenAll(submissions);
        leader.Start();
        var maxAcknowledgedHeight = acknowledged.IsEmpty ? 0 : acknowledged.Max(r => r.BlockHeight);
        var height = await cluster.WaitForSameHeightAsync(maxAcknowledgedHeight, ConvergenceTimeout);

        // Assert
        TestContext.Out.WriteLine($"killed {leader.NodeId} with {SubmissionCount - settledAtKill} submissions unsettled; acknowledged {acknowledged.Count}, failed {failures.Count} ({string.Join(", ", failures.GroupBy(c => c).Select(g => $"{g.Key}×{g.Count()}"))}); converged at height {height}");
        foreach (var (detail, n) in failureDetails)
        {
            TestContext.Out.WriteLine($"  {n} × {detail}");
        }

        Assert.That(settledAtKill, Is.LessThan(SubmissionCount), "every submission settled before the kill, so the kill tested nothing");
        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(AcknowledgedBeforeKill));
        Assert.That(failures.Where(c => c is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.AlreadyExists)), Is.Empty, "only transient failures (or a retry of an already-committed nonce) are acceptable");
        foreach (var node in cluster.Nodes)
        {
            var missing = new List<string>();
            foreach (var receipt in acknowledged)
            {
                try
                {
                    var found = await node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = receipt.TxHash, Consistency = ReadConsistency.Local }, deadline: DateTime.UtcNow.AddSeconds(10));
                    if (found.BlockHeight != receipt.BlockHeight)
                    {
                        missing.Add($"{Convert.ToHexStringLower(receipt.TxHash.Span)} at height {found.BlockHeight}, receipt says {receipt.BlockHeight}");
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    missing.Add(Convert.ToHexStringLower(receipt.TxHash.Span));
                }
            }

            Assert.That(missing, Is.Empty, $"{node.NodeId} lacks acknowledged transactions");
        }

        await AssertIdenticalChainsAsync(cluster, height);
    }

    /// <summary>A freshly elected leader may still be settling (followers learn of it on its first append): wait until each node accepts one submission.</summary>
    private static async Task WaitUntilEveryNodeAcceptsASubmissionAsync(ProcessCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            var deadline = DateTime.UtcNow + ElectionTimeout;
            while (true)
            {
                try
                {
                    await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(5));
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(RetryDelay);
                }
            }
        }
    }

    internal static async Task AssertIdenticalChainsAsync(ProcessCluster cluster, ulong height)
    {
        var reference = await ProcessCluster.ReadBlocksAsync(cluster.Nodes[0], height);
        Assert.That(reference, Has.Count.EqualTo((int)height), $"{cluster.Nodes[0].NodeId} returned a short chain");
        foreach (var node in cluster.Nodes.Skip(1))
        {
            var blocks = await ProcessCluster.ReadBlocksAsync(node, height);
            Assert.That(blocks, Has.Count.EqualTo((int)height), $"{node.NodeId} returned a short chain");
            for (var i = 0; i < blocks.Count; i++)
            {
                Assert.That(blocks[i].AsSpan().SequenceEqual(reference[i]), Is.True, $"{node.NodeId} block {i + 1} differs from {cluster.Nodes[0].NodeId}");
            }
        }
    }
}
