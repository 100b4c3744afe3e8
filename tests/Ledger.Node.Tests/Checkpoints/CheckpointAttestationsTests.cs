using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Checkpoints;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Checkpoints;
using Ledger.Node.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Node.Tests.Checkpoints;

/// <summary>
/// A node attesting a block also signs the block's checkpoint; a peer's checkpoint signature is
/// checked on receipt like the attestation itself, so a node cannot sign a false log state and
/// have it served as part of a certified checkpoint.
/// </summary>
public sealed class CheckpointAttestationsTests
{
    private TestConsortium consortium = null!;
    private ChainContext chain = null!;

    [SetUp]
    public void CreateConsortium()
    {
        consortium = new TestConsortium(2);
        chain = ChainContext.Load(consortium.GenesisPath);
    }

    [TearDown]
    public void DeleteConsortium() => consortium.Dispose();

    [Test]
    public void Attach_ThenAdmitOnAnotherNode_SignsTheHeadersCheckpointWithTheNodeKey()
    {
        var header = Header();
        var attestation = PeerAttestation(header, header);

        var admitted = Receiver().Admit(attestation, consortium.Nodes[1].Key.Public, header);

        var line = NodeCheckpoints.Line(consortium.Nodes[1].Key.Public, CheckpointOrigin.For(chain.ChainId), attestation.CheckpointSignature.Span);
        Assert.Multiple(() =>
        {
            Assert.That(admitted, Is.True);
            Assert.That(CheckpointSignatures.Verify(consortium.Nodes[1].Key.Public, new Checkpoint(CheckpointOrigin.For(chain.ChainId), header.LogSize, header.LogRoot.Span), line), Is.True);
        });
    }

    [Test]
    public void Admit_ACheckpointSignatureOverAnotherLogRoot_IsRefused()
    {
        var header = Header();
        var lie = header.Clone();
        lie.LogRoot = ByteString.CopyFrom(Enumerable.Repeat((byte)0xEE, 32).ToArray());
        var attestation = PeerAttestation(header, checkpointOf: lie);

        Assert.That(Receiver().Admit(attestation, consortium.Nodes[1].Key.Public, header), Is.False);
    }

    [Test]
    public void Admit_WithoutACheckpointSignature_KeepsTheAttestation()
    {
        var header = Header();
        var attestation = BlockAttestations.Sign(consortium.Nodes[1].Key, consortium.Nodes[1].NodeId, header, chain.Hash);

        Assert.That(Receiver().Admit(attestation, consortium.Nodes[1].Key.Public, header), Is.True);
    }

    [Test]
    public void Admit_ForAnotherBlockHash_DropsTheUncheckableCheckpointSignature()
    {
        var header = Header();
        var theirs = header.Clone();
        theirs.TimestampUnixMs += 1;
        var attestation = PeerAttestation(theirs, theirs);

        var admitted = Receiver().Admit(attestation, consortium.Nodes[1].Key.Public, header);

        Assert.Multiple(() =>
        {
            Assert.That(admitted, Is.True);
            Assert.That(attestation.CheckpointSignature.IsEmpty, Is.True);
        });
    }

    private CheckpointAttestations Receiver() => new(chain, consortium.Nodes[0].Key, NullLogger.Instance);

    private Core.Protocol.Attestation PeerAttestation(BlockHeader attested, BlockHeader checkpointOf)
    {
        var peer = consortium.Nodes[1];
        var attestation = BlockAttestations.Sign(peer.Key, peer.NodeId, attested, chain.Hash);
        new CheckpointAttestations(chain, peer.Key, NullLogger.Instance).Attach(attestation, checkpointOf);
        return attestation;
    }

    private BlockHeader Header() => new()
    {
        ChainId = chain.ChainId,
        Height = 1,
        PrevBlockHash = ByteString.CopyFrom(new byte[32]),
        TxRoot = ByteString.CopyFrom(Enumerable.Repeat((byte)0x11, 32).ToArray()),
        LogSize = 1,
        LogRoot = ByteString.CopyFrom(Enumerable.Repeat((byte)0x11, 32).ToArray()),
        TimestampUnixMs = 1_765_000_000_000,
        ProposerNodeId = "node-1",
        TxCount = 1,
    };
}
