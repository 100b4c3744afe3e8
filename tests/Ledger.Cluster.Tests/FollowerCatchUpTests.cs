using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Cluster.Tests;

/// <summary>Issue #5: a follower that was down while the chain grew by many blocks catches up to the same chain.</summary>
[NonParallelizable]
public sealed class FollowerCatchUpTests
{
    /// <summary>Blocks committed while the follower is down (one transaction per block).</summary>
    private const int BlockCount = 10_000;

    /// <summary>Submissions sent on one stream before waiting for their responses.</summary>
    private const int WindowSubmissions = 1_000;

    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(120);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task NodeRestartedAfterManyBlocks_CatchesUp()
    {
        // Arrange: one transaction per block, so the chain grows by BlockCount blocks.
        cluster = ProcessCluster.Start(3, "--Node:Batching:TransactionsPerBatchMax=1", "--Node:Fsync=false");
        var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
        var follower = cluster.Nodes.First(n => n != leader);
        follower.Kill();
        var started = DateTime.UtcNow;

        // Act
        var (acknowledged, failed) = await SubmitUntilAcknowledgedAsync(cluster, BlockCount);
        var submitted = DateTime.UtcNow;
        follower.Start();
        var height = await cluster.WaitForSameHeightAsync(acknowledged.Max(r => r.BlockHeight), CatchUpTimeout);
        TestContext.Out.WriteLine($"{acknowledged.Count} blocks acknowledged ({failed} submissions failed on leader changes) in {(submitted - started).TotalSeconds:F1} s with {follower.NodeId} down; caught up to height {height} in {(DateTime.UtcNow - submitted).TotalSeconds:F1} s");

        // Assert
        Assert.That(height, Is.GreaterThanOrEqualTo((ulong)BlockCount));
        await LeaderKillTests.AssertIdenticalChainsAsync(cluster, height);
    }

    /// <summary>
    /// Streams fresh transactions in windows to whichever node leads, until <paramref name="count"/> are acknowledged;
    /// a window that meets a leader change (Unavailable) is counted and the rest goes to the new leader.
    /// </summary>
    private static async Task<(List<Receipt> Receipts, int Failed)> SubmitUntilAcknowledgedAsync(ProcessCluster cluster, int count)
    {
        var receipts = new List<Receipt>(count);
        var failed = 0;
        var deadline = DateTime.UtcNow + SubmitTimeout;
        while (receipts.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {receipts.Count} of {count} submissions acknowledged within {SubmitTimeout} ({failed} failed){Environment.NewLine}{cluster.RecentOutput()}");
            }

            var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
            var window = Math.Min(WindowSubmissions, count - receipts.Count);
            using var call = leader.Client.SubmitStream(deadline: deadline);
            var reading = Task.Run(async () =>
            {
                var windowReceipts = new List<Receipt>(window);
                var windowFailed = 0;
                await foreach (var response in call.ResponseStream.ReadAllAsync())
                {
                    if (response.Receipt is null)
                    {
                        Assert.That((StatusCode)response.ErrorCode, Is.AnyOf(StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Cancelled, StatusCode.ResourceExhausted), response.ErrorMessage);
                        windowFailed++;
                    }
                    else
                    {
                        windowReceipts.Add(response.Receipt);
                    }
                }

                return (windowReceipts, windowFailed);
            });
            try
            {
                for (var i = 0; i < window; i++)
                {
                    await call.RequestStream.WriteAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork(), CorrelationId = (ulong)i });
                }

                await call.RequestStream.CompleteAsync();
                var (windowReceipts, windowFailed) = await reading;
                receipts.AddRange(windowReceipts);
                failed += windowFailed;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled or StatusCode.ResourceExhausted)
            {
                // The stream itself broke (leader went away): start a new window on the new leader.
                failed++;
            }
        }

        return (receipts, failed);
    }
}
