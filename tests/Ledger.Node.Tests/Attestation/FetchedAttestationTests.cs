using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Node.Attestation;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Attestation;

/// <summary>
/// A peer's answer to a catch-up request can only add attestations that verify against the node set at
/// their height and vouch for the block this node itself applied: a hostile peer cannot make a node store
/// garbage or certify a block it did not apply. Node 3 is down while blocks are made, so node 1 holds no
/// attestation of node 3 for them: exactly the gap a relayed attestation could fill.
/// </summary>
[NonParallelizable]
public sealed class FetchedAttestationTests
{
    private const ulong Peer = 2;
    private static readonly Ledger.Core.Hashing.IHashAlgorithm Hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
    private TestCluster cluster = null!;
    private LedgerNode node = null!;
    private List<ulong> heights = null!;

    [OneTimeSetUp]
    public async Task StartClusterWithNodeThreeDownAsync()
    {
        cluster = await TestCluster.StartAsync(3);
        await cluster.Nodes[2].StopAsync();
        heights = [];
        for (var i = 0; i < 6; i++)
        {
            heights.Add((await AttestationCatchUpTests.SubmitToTheLeaderAsync(cluster)).Height);
        }

        node = cluster.Nodes[0].Node;
        await Eventually.WaitUntilAsync(() => node.Blocks.LatestHeight >= heights[^1] && node.Collector.CertifiedHeight >= heights[^1]);
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await cluster.DisposeAsync();

    [Test]
    public void AcceptFetched_GenuineAttestationOfTheAppliedBlock_IsStored()
    {
        var height = heights[0];
        var genuine = SignedByNodeThree(height, OurHash(height));

        var outcome = node.Collector.AcceptFetched(genuine);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.Stored));
        Assert.That(node.Attestations.Contains(height, "node-3"), Is.True);
    }

    [Test]
    public void AcceptFetched_GenuineAttestationCarryingFieldsNobodyChecked_IsStoredWithoutThem()
    {
        var height = heights[5];
        var genuine = SignedByNodeThree(height, OurHash(height));
        // A field the relaying peer added (tag 15, length-delimited "abc"): the attestation's signature does not cover it.
        var relayed = Core.Protocol.Attestation.Parser.ParseFrom([.. genuine.ToByteArray(), 0x7A, 3, (byte)'a', (byte)'b', (byte)'c']);

        var outcome = node.Collector.AcceptFetched(relayed);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.Stored));
        Assert.That(node.Attestations.Get(height).Single(a => a.NodeId == "node-3").ToByteArray(), Is.EqualTo(genuine.ToByteArray()));
    }

    [Test]
    public void AcceptFetched_ForgedSignature_IsRefusedAndNotStored()
    {
        var height = heights[1];
        var forged = SignedByNodeThree(height, OurHash(height));
        var signature = forged.Signature.ToByteArray();
        signature[^1] ^= 0x01;
        forged.Signature = ByteString.CopyFrom(signature);

        var outcome = node.Collector.AcceptFetched(forged);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.BadSignature));
        Assert.That(node.Attestations.Contains(height, "node-3"), Is.False);
    }

    [Test]
    public void AcceptFetched_GenuineAttestationWithAForgedCheckpointSignature_IsRefusedAndNotStored()
    {
        var height = heights[2];
        var relayed = SignedByNodeThree(height, OurHash(height));
        relayed.CheckpointSignature = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(68));

        var outcome = node.Collector.AcceptFetched(relayed);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.BadSignature));
        Assert.That(node.Attestations.Contains(height, "node-3"), Is.False);
    }

    [Test]
    public void AcceptFetched_NodeOutsideTheConsortium_IsRefusedAndNotStored()
    {
        var height = heights[1];
        var foreign = BlockAttestations.Sign(CryptoSuites.P256Sha256.GenerateKeyPair(), "node-9", cluster.Consortium.ChainId, height, OurHash(height));

        var outcome = node.Collector.AcceptFetched(foreign);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.NotAnAttester));
        Assert.That(node.Attestations.Contains(height, "node-9"), Is.False);
    }

    [Test]
    public void AcceptFetched_GenuineSignatureOverAnotherBlockHash_IsRefusedAndNotStored()
    {
        var height = heights[2];
        var otherBlock = SignedByNodeThree(height, RandomNumberGenerator.GetBytes(32));

        var outcome = node.Collector.AcceptFetched(otherBlock);

        Assert.That(outcome, Is.EqualTo(FetchedAttestationOutcome.OtherBlock));
        Assert.That(node.Attestations.Contains(height, "node-3"), Is.False);
    }

    [Test]
    public void Apply_AnswerOfOnlyForgedForeignAndOtherBlockAttestations_StoresNothing()
    {
        var height = heights[3];
        var forged = SignedByNodeThree(height, OurHash(height));
        forged.Signature = ByteString.CopyFrom(new byte[forged.Signature.Length]);
        var answer = new GetAttestationsResponse
        {
            NextHeight = height + 1,
            Attestations =
            {
                forged,
                BlockAttestations.Sign(CryptoSuites.P256Sha256.GenerateKeyPair(), "node-9", cluster.Consortium.ChainId, height, OurHash(height)),
                SignedByNodeThree(height, RandomNumberGenerator.GetBytes(32)),
            },
        };

        var stored = node.CatchUp.Apply(Peer, new GetAttestationsRequest { FromNodeId = "node-1", FromHeight = height, HeightCount = 1 }, answer);

        Assert.That(stored, Is.Zero);
        Assert.That(node.Attestations.Get(height).Select(a => a.NodeId), Has.None.EqualTo("node-3").And.None.EqualTo("node-9"));
    }

    [Test]
    public void Apply_QuorumOfGenuineSignaturesOverAnotherBlock_DoesNotCertifyIt()
    {
        var height = heights[4];
        var otherHash = RandomNumberGenerator.GetBytes(32);
        var answer = new GetAttestationsResponse
        {
            NextHeight = height + 1,
            Attestations =
            {
                BlockAttestations.Sign(cluster.Consortium.Nodes[1].Key, "node-2", cluster.Consortium.ChainId, height, otherHash),
                BlockAttestations.Sign(cluster.Consortium.Nodes[2].Key, "node-3", cluster.Consortium.ChainId, height, otherHash),
            },
        };

        var stored = node.CatchUp.Apply(Peer, new GetAttestationsRequest { FromNodeId = "node-1", FromHeight = height, HeightCount = 1 }, answer);

        Assert.That(stored, Is.Zero);
        Assert.That(node.Attestations.Get(height).Any(a => a.BlockHash.Span.SequenceEqual(otherHash)), Is.False);
        Assert.That(BlockHash.Compute(node.Collector.GetCertified(height)!.Header, Hash), Is.EqualTo(OurHash(height)));
        Assert.That(node.Collector.Divergence, Is.Null);
    }

    [Test]
    public void Apply_GenuineAttestationForAHeightTheRequestDidNotName_RefusedWholeAndNotStored()
    {
        var asked = heights[5];
        var unasked = heights[3];
        var answer = new GetAttestationsResponse { NextHeight = asked + 1, Attestations = { SignedByNodeThree(unasked, OurHash(unasked)) } };

        var stored = node.CatchUp.Apply(Peer, new GetAttestationsRequest { FromNodeId = "node-1", FromHeight = asked, HeightCount = 1 }, answer);

        Assert.That(stored, Is.Zero);
        Assert.That(node.Attestations.Contains(unasked, "node-3"), Is.False);
    }

    [Test]
    public void AttestationCatchUpServer_Answer_RelaysOnlyAttestationsOfTheBlockThisNodeApplied_WithinTheBounds()
    {
        var request = new GetAttestationsRequest { FromNodeId = "node-2", FromHeight = 1, HeightCount = AttestationCatchUpBounds.HeightsPerRequestMax };

        var answer = AttestationCatchUpServer.Answer(node.Collector, node.Blocks.LatestHeight, request);

        Assert.That(AttestationCatchUpBoundary.CheckAnswer(request, answer, Hash.HashSizeBytes), Is.EqualTo(AttestationAnswerRefusal.None));
        Assert.That(answer.NextHeight, Is.EqualTo(node.Blocks.LatestHeight + 1), "stops at the latest applied height");
        Assert.That(answer.Attestations.All(a => a.BlockHash.Span.SequenceEqual(OurHash(a.Height))), Is.True);
        Assert.That(answer.CertifiedHeight, Is.EqualTo(node.Collector.CertifiedHeight));
    }

    [Test]
    public void AttestationCatchUpServer_Answer_RequestBeyondTheHeightBound_IsInvalidArgument()
    {
        var request = new GetAttestationsRequest { FromNodeId = "node-2", FromHeight = 1, HeightCount = AttestationCatchUpBounds.HeightsPerRequestMax + 1 };

        var exception = Assert.Throws<Grpc.Core.RpcException>(() => AttestationCatchUpServer.Answer(node.Collector, node.Blocks.LatestHeight, request));

        Assert.That(exception!.StatusCode, Is.EqualTo(Grpc.Core.StatusCode.InvalidArgument));
    }

    private byte[] OurHash(ulong height) => BlockHash.Compute(node.Blocks.GetHeader(height)!, Hash);

    private Core.Protocol.Attestation SignedByNodeThree(ulong height, byte[] blockHash) =>
        BlockAttestations.Sign(cluster.Consortium.Nodes[2].Key, "node-3", cluster.Consortium.ChainId, height, blockHash);
}
