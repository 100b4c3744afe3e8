using Grpc.Core;
using Ledger.Cli.Witness;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Cluster.Tests;

/// <summary>
/// Issue 15, point 7, end to end on a live 3-node cluster (node processes): the witness loop of
/// <c>ledger witness run</c> (Ledger.Cli/Witness, in-process, one step per node and round) cosigns
/// the cluster's checkpoints as blocks are added, each only after a quorum of node signatures and a
/// consistency proof from its last cosigned checkpoint; every node then serves its checkpoint with
/// at least two node signatures and the witness's cosignature. A forked checkpoint — signed by a
/// quorum of node keys (colluding operators) but not the log the nodes hold — is refused by the
/// witness, with fork evidence that re-checks offline, and by every node (FailedPrecondition).
/// </summary>
[NonParallelizable]
public sealed class WitnessCosigningTests
{
    private const int Rounds = 3;
    private const int WorksPerRound = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly MerkleHasher Hasher = new(Sha256HashAlgorithm.Instance);

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
        var statePath = Path.Combine(consortium.Directory, "witness-state.json");
        CheckpointWitnessLoop WitnessOf(IWitnessLedger ledger) => new(ledger, trust, Hasher, consortium.Witness, TestConsortium.WitnessId, statePath, TimeProvider.System);
        var steps = new List<WitnessStep>();

        for (var round = 0; round < Rounds; round++)
        {
            var height = await RegisterWorksAsync(WorksPerRound);
            await WaitUntilEveryNodeCertifiesAsync(height);
            foreach (var node in cluster.Nodes)
            {
                // The first node's step cosigns the new checkpoint; the others serve the same one, and
                // the loop hands them the cosignature it made (Unchanged).
                steps.Add(await WitnessOf(new NodeWitnessLedger(node.Client)).StepAsync(CancellationToken.None));
            }
        }

        var served = new List<CheckpointVerification>();
        foreach (var node in cluster.Nodes)
        {
            served.Add(CheckpointVerifier.Verify((await node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote, trust));
        }

        var lastCosigned = Checkpoint.Parse(WitnessState.Load(statePath)!.Text);
        var sameSizeFork = ForkedCheckpointSignedByTwoNodeKeys(lastCosigned, lastCosigned.TreeSize);
        var longerFork = ForkedCheckpointSignedByTwoNodeKeys(lastCosigned, lastCosigned.TreeSize + 3);
        var onSameSizeFork = await WitnessOf(new ForgedWitnessLedger(sameSizeFork.Format(), [])).StepAsync(CancellationToken.None);
        var onLongerFork = await WitnessOf(new ForgedWitnessLedger(longerFork.Format(), [new byte[32], new byte[32]])).StepAsync(CancellationToken.None);
        var nodeRefusals = new List<RpcException>();
        foreach (var node in cluster.Nodes)
        {
            var cosignedFork = sameSizeFork.WithSignature(Cosignature.Sign(consortium.Witness, TestConsortium.WitnessId, Checkpoint.Parse(sameSizeFork.Text), 1_700_000_000));
            nodeRefusals.Add(Assert.ThrowsAsync<RpcException>(async () => await node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = cosignedFork.Format() }))!);
        }

        TestContext.Out.WriteLine(string.Join(Environment.NewLine, steps.Select(s => $"{s.Kind}: {s.Message}")));
        TestContext.Out.WriteLine($"served: {string.Join("; ", served.Select(v => $"{v.Checkpoint} nodes [{string.Join(",", v.SigningNodes)}] witnesses [{string.Join(",", v.Witnesses.Select(w => w.Name))}]"))}");
        TestContext.Out.WriteLine($"forks: witness says '{onSameSizeFork.Message}' and '{onLongerFork.Message}'; nodes say {string.Join(" | ", nodeRefusals.Select(e => e.Status.Detail))}");
        Assert.Multiple(() =>
        {
            Assert.That(steps.Select(s => s.Kind), Is.EqualTo(Enumerable.Repeat(new[] { WitnessStepKind.Cosigned, WitnessStepKind.Unchanged, WitnessStepKind.Unchanged }, Rounds).SelectMany(k => k)));
            Assert.That(steps.Where(s => s.Kind == WitnessStepKind.Cosigned).Select(s => s.Checkpoint!.TreeSize), Is.Ordered.Ascending.And.Unique);
            foreach (var verification in served)
            {
                Assert.That(verification.IsValid, Is.True, verification.Problem);
                Assert.That(verification.SigningNodes, Has.Count.GreaterThanOrEqualTo(2));
                Assert.That(verification.Checkpoint!.TreeSize, Is.EqualTo(lastCosigned.TreeSize));
                Assert.That(verification.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { TestConsortium.WitnessId }));
            }

            Assert.That(onSameSizeFork.Kind, Is.EqualTo(WitnessStepKind.Fork), onSameSizeFork.Message);
            Assert.That(onSameSizeFork.Fork?.Recheck(trust, Hasher), Is.Null, "the fork evidence re-checks offline");
            Assert.That(onLongerFork.Kind, Is.EqualTo(WitnessStepKind.Fork), onLongerFork.Message);
            Assert.That(Checkpoint.Parse(WitnessState.Load(statePath)!.Text).SameAs(lastCosigned), Is.True, "the witness still stands by what it cosigned");
            Assert.That(nodeRefusals.Select(e => e.StatusCode), Is.All.EqualTo(StatusCode.FailedPrecondition));
            Assert.That(nodeRefusals.Select(e => e.Status.Detail), Is.All.Contains("FORK"));
        });
    }

    /// <summary>A checkpoint of the same log as <paramref name="genuine"/>, of <paramref name="treeSize"/>, with another root, signed by two of the three node keys.</summary>
    private SignedNote ForkedCheckpointSignedByTwoNodeKeys(Checkpoint genuine, ulong treeSize)
    {
        var root = genuine.RootHashArray();
        root[^1] ^= 0x01;
        var forked = new Checkpoint(genuine.Origin, treeSize, root);
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
