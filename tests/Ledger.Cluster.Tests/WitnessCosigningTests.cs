using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Cluster.Tests;

/// <summary>
/// Issue 15, point 7, end to end on a live 3-node cluster (node processes): a registered witness
/// cosigns each node's checkpoints as blocks are added, after checking a quorum of node signatures
/// and a consistency proof from its last cosigned checkpoint; every node then serves its checkpoint
/// with at least two node signatures and the witness's cosignature. A forked checkpoint — signed by a
/// quorum of node keys (colluding operators) but not the log the nodes hold — is refused by the witness
/// and by every node.
/// </summary>
[NonParallelizable]
public sealed class WitnessCosigningTests
{
    private const int Rounds = 3;
    private const int WorksPerRound = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task LiveCluster_WitnessCosignsAsBlocksAreAdded_EveryNodeServesTheCheckpointWithANodeQuorumAndTheCosignature_AForkIsRefused()
    {
        cluster = ProcessCluster.Start(3);
        var consortium = cluster.Consortium;
        var trust = CheckpointTrust.FromGenesis(ConsortiumGenesis.Parse(File.ReadAllBytes(consortium.GenesisPath)), [new CheckpointWitness(TestConsortium.WitnessId, consortium.Witness.Public)]);
        var witnesses = cluster.Nodes.Select(_ => new CoreApiWitness(trust, consortium.Witness, TestConsortium.WitnessId)).ToList();
        var cosignedSizes = new List<ulong>();

        for (var round = 0; round < Rounds; round++)
        {
            var height = await RegisterWorksAsync(WorksPerRound);
            await WaitUntilEveryNodeCertifiesAsync(height);
            for (var i = 0; i < cluster.Nodes.Count; i++)
            {
                var outcome = await witnesses[i].CosignLatestAsync(cluster.Nodes[i].Client);
                Assert.That(outcome.Cosigned, Is.True, $"{cluster.Nodes[i].NodeId}: {outcome.Detail}");
            }

            cosignedSizes.Add(witnesses[0].LastCosigned!.TreeSize);
        }

        var served = new List<CheckpointVerification>();
        foreach (var node in cluster.Nodes)
        {
            served.Add(CheckpointVerifier.Verify((await node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote, trust));
        }

        var fork = ForkedCheckpointSignedByTwoNodeKeys(witnesses[0].LastCosigned!);
        var witnessOnFork = await witnesses[0].CosignAsync(cluster.Nodes[0].Client, fork.Format());
        var nodeRefusals = new List<RpcException>();
        foreach (var node in cluster.Nodes)
        {
            var cosignedFork = fork.WithSignature(Cosignature.Sign(consortium.Witness, TestConsortium.WitnessId, Checkpoint.Parse(fork.Text), 1_700_000_000));
            nodeRefusals.Add(Assert.ThrowsAsync<RpcException>(async () => await node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = cosignedFork.Format() }))!);
        }

        TestContext.Out.WriteLine($"cosigned tree sizes {string.Join(", ", cosignedSizes)}; served: {string.Join("; ", served.Select(v => $"{v.Checkpoint} nodes [{string.Join(",", v.SigningNodes)}] witnesses [{string.Join(",", v.Witnesses.Select(w => w.Name))}]"))}");
        TestContext.Out.WriteLine($"fork: witness says '{witnessOnFork.Detail}'; nodes say {string.Join(" | ", nodeRefusals.Select(e => e.Status.Detail))}");
        Assert.Multiple(() =>
        {
            Assert.That(cosignedSizes, Is.Ordered.Ascending.And.Unique);
            foreach (var verification in served)
            {
                Assert.That(verification.IsValid, Is.True, verification.Problem);
                Assert.That(verification.SigningNodes, Has.Count.GreaterThanOrEqualTo(2));
                Assert.That(verification.Checkpoint!.TreeSize, Is.EqualTo(cosignedSizes[^1]));
                Assert.That(verification.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { TestConsortium.WitnessId }));
            }

            Assert.That(witnessOnFork.Cosigned, Is.False);
            Assert.That(witnessOnFork.Detail, Does.StartWith("FORK"));
            Assert.That(witnessOnFork.Contradicted!.TreeSize, Is.EqualTo(cosignedSizes[^1]));
            Assert.That(nodeRefusals.Select(e => e.StatusCode), Is.All.EqualTo(StatusCode.FailedPrecondition));
            Assert.That(nodeRefusals.Select(e => e.Status.Detail), Is.All.Contains("FORK"));
        });
    }

    /// <summary>A checkpoint of the same log and size as <paramref name="genuine"/> with another root, signed by two of the three node keys.</summary>
    private SignedNote ForkedCheckpointSignedByTwoNodeKeys(Checkpoint genuine)
    {
        var root = genuine.RootHashArray();
        root[^1] ^= 0x01;
        var forked = new Checkpoint(genuine.Origin, genuine.TreeSize, root);
        var signatures = cluster!.Consortium.Nodes.Take(2).Select(n => CheckpointSignatures.Sign(n.Key, forked, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return new SignedNote(forked.Format(), signatures);
    }

    private async Task<ulong> RegisterWorksAsync(int count)
    {
        ulong height = 0;
        for (var i = 0; i < count; i++)
        {
            var leader = await cluster!.WaitForLeaderAsync(Timeout);
            var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow + Timeout);
            height = Math.Max(height, response.Receipt.BlockHeight);
        }

        return height;
    }

    /// <summary>Waits until every node has certified <paramref name="height"/> (their latest checkpoints are then the same).</summary>
    private async Task WaitUntilEveryNodeCertifiesAsync(ulong height)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var statuses = await Task.WhenAll(cluster!.Nodes.Select(ProcessCluster.TryStatusAsync));
            if (statuses.All(s => s is not null && s.CertifiedHeight >= height))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not every node certified height {height} in time{Environment.NewLine}{cluster.RecentOutput()}");
            }

            await Task.Delay(50);
        }
    }
}
