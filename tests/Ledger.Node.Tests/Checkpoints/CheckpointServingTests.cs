using Grpc.Core;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Checkpoints;

/// <summary>
/// Issue 15, point 7, the node side: a node publishes the C2SP checkpoint of its latest certified
/// header signed by the certifying nodes, accepts cosignatures only from registered witnesses and
/// only on checkpoints it issued, keeps them across restarts and serves them with the checkpoint.
/// One node: it certifies its own blocks.
/// </summary>
[NonParallelizable]
public sealed class CheckpointServingTests
{
    private TestCluster cluster = null!;

    private InProcessNode Node => cluster.Nodes[0];

    private TestConsortium Consortium => cluster.Consortium;

    private string Origin => CheckpointOrigin.For(Consortium.ChainId);

    [OneTimeSetUp]
    public async Task StartNode() => cluster = await TestCluster.StartAsync(1);

    [OneTimeTearDown]
    public async Task StopNode() => await cluster.DisposeAsync();

    [Test]
    public async Task GetCheckpoint_AfterABlockIsCertified_ServesItsLogStateSignedByTheNode()
    {
        var height = await RegisterAndWaitCertifiedAsync();

        var response = await Node.Client.GetCheckpointAsync(new GetCheckpointRequest());

        var verification = CheckpointVerifier.Verify(response.SignedNote, Trust());
        var header = Node.Node.Blocks.GetHeader(response.BlockHeight)!;
        Assert.Multiple(() =>
        {
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.QuorumMet, Is.True);
            Assert.That(response.BlockHeight, Is.GreaterThanOrEqualTo(height));
            Assert.That(verification.Checkpoint!.TreeSize, Is.EqualTo(header.LogSize));
            Assert.That(verification.Checkpoint.RootHash.ToArray(), Is.EqualTo(header.LogRoot.ToByteArray()));
            Assert.That(verification.Checkpoint.Origin, Is.EqualTo(Origin));
        });
    }

    [Test]
    public async Task AddCosignature_ByTheRegisteredWitness_IsServedWithThatCheckpoint()
    {
        await RegisterAndWaitCertifiedAsync();
        var served = SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote);

        await Node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = Cosign(served, Consortium.Witness, TestConsortium.WitnessId).Format() });
        var again = await Node.Client.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = Checkpoint.Parse(served.Text).TreeSize });

        var verification = CheckpointVerifier.Verify(again.SignedNote, Trust());
        Assert.Multiple(() =>
        {
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { TestConsortium.WitnessId }));
        });
    }

    [Test]
    public async Task AddCosignature_ByAnUnregisteredEd25519Key_IsPermissionDenied()
    {
        await RegisterAndWaitCertifiedAsync();
        var served = SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote);
        var stranger = CryptoSuites.Ed25519.GenerateKeyPair();

        var asStranger = Cosign(served, stranger, "stranger");
        var strangerUnderTheWitnessName = Cosign(served, stranger, TestConsortium.WitnessId);

        AssertRefused(asStranger, StatusCode.PermissionDenied, "no cosignature line by a witness registered");
        AssertRefused(strangerUnderTheWitnessName, StatusCode.PermissionDenied, "no cosignature line by a witness registered");
    }

    [Test]
    public async Task AddCosignature_OnACheckpointThisNodeDidNotIssue_IsFailedPrecondition()
    {
        await RegisterAndWaitCertifiedAsync();
        var served = Checkpoint.Parse(SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote).Text);
        var otherRoot = served.RootHashArray();
        otherRoot[0] ^= 0x01;

        var forked = new Checkpoint(Origin, served.TreeSize, otherRoot);
        var beyond = new Checkpoint(Origin, served.TreeSize + 1_000, served.RootHash);
        var otherLog = new Checkpoint("ledger/another-chain", served.TreeSize, served.RootHash);

        AssertRefused(Cosign(forked), StatusCode.FailedPrecondition, "FORK");
        AssertRefused(Cosign(beyond), StatusCode.FailedPrecondition, "beyond this node's latest certified tree size");
        AssertRefused(Cosign(otherLog), StatusCode.FailedPrecondition, "this node issues 'ledger/test-chain'");
    }

    [Test]
    public async Task AddCosignature_MalformedOrWithALineThatDoesNotVerify_IsInvalidArgument()
    {
        await RegisterAndWaitCertifiedAsync();
        var served = SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote);
        var genuine = Cosignature.Sign(Consortium.Witness, TestConsortium.WitnessId, Checkpoint.Parse(served.Text), 1_700_000_000);
        var flipped = genuine.Signature.ToArray();
        flipped[^1] ^= 0x01;
        var tampered = new SignedNote(served.Text, [new NoteSignature(genuine.KeyName, genuine.KeyId, flipped)]);

        AssertRefused("not a note", StatusCode.InvalidArgument, "not a signed checkpoint");
        AssertRefused("", StatusCode.InvalidArgument, "signed_note is required");
        AssertRefused(tampered.Format(), StatusCode.InvalidArgument, "does not verify");
    }

    [Test]
    public async Task GetCheckpoint_OfAnOlderTreeSize_ServesTheWitnessCosignatureOnIt_TheLatestDoesNotCarryIt()
    {
        await RegisterAndWaitCertifiedAsync();
        var older = SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote);
        var olderSize = Checkpoint.Parse(older.Text).TreeSize;
        await Node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = Cosign(older, Consortium.Witness, TestConsortium.WitnessId).Format() });
        await RegisterAndWaitCertifiedAsync();

        var latest = CheckpointVerifier.Verify((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote, Trust());
        var byOlderSize = CheckpointVerifier.Verify((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = olderSize })).SignedNote, Trust());

        Assert.Multiple(() =>
        {
            Assert.That(latest.Checkpoint!.TreeSize, Is.GreaterThan(olderSize));
            Assert.That(latest.Witnesses, Is.Empty);
            Assert.That(byOlderSize.Checkpoint!.TreeSize, Is.EqualTo(olderSize));
            Assert.That(byOlderSize.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { TestConsortium.WitnessId }));
        });
    }

    [Test]
    public async Task GetCheckpoint_BeyondTheCertifiedLog_IsNotFound()
    {
        await RegisterAndWaitCertifiedAsync();

        var error = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = 1_000_000 }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task Cosignatures_AfterTheNodeRestarts_AreStillServed()
    {
        await RegisterAndWaitCertifiedAsync();
        var served = SignedNote.Parse((await Node.Client.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote);
        var size = Checkpoint.Parse(served.Text).TreeSize;
        await Node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = Cosign(served, Consortium.Witness, TestConsortium.WitnessId).Format() });

        await Node.StopAsync();
        await Node.StartAsync();
        await cluster.WaitForLeaderAsync();
        var afterRestart = await Node.Client.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = size });

        Assert.That(CheckpointVerifier.Verify(afterRestart.SignedNote, Trust()).Witnesses.Select(w => w.Name), Is.EqualTo(new[] { TestConsortium.WitnessId }));
    }

    [Test]
    public void Submit_SignedByTheWitnessKey_IsRefusedAtTheDoor()
    {
        var asItsOwnSuite = Consortium.RegisterWork(signer: Consortium.Witness);
        var claimingTheChainsSuite = WitnessSigned(Consortium.RegisterWork(), "p256-sha256");

        var suiteError = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = asItsOwnSuite }));
        var roleError = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = claimingTheChainsSuite }));

        Assert.Multiple(() =>
        {
            Assert.That(suiteError!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), suiteError.Status.Detail);
            Assert.That(roleError!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied), roleError.Status.Detail);
        });
    }

    /// <summary>The envelope of <paramref name="template"/> re-signed by the witness key, naming <paramref name="suite"/>.</summary>
    private SignedTransaction WitnessSigned(SignedTransaction template, string suite)
    {
        var envelope = TransactionEnvelope.Parser.ParseFrom(template.Envelope);
        envelope.Suite = suite;
        envelope.SignerKeyId = Google.Protobuf.ByteString.CopyFrom(Consortium.Witness.KeyId.Bytes);
        var bytes = envelope.ToByteArray();
        var signature = Core.Signing.SigningInput.Sign(Consortium.Witness, Core.Signing.SigningContexts.TransactionSignature, envelope.ChainId, bytes);
        return new SignedTransaction { Envelope = Google.Protobuf.ByteString.CopyFrom(bytes), Signature = Google.Protobuf.ByteString.CopyFrom(signature) };
    }

    private async Task<ulong> RegisterAndWaitCertifiedAsync()
    {
        var height = (await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork() })).Receipt.BlockHeight;
        await Eventually.WaitUntilAsync(() => Node.Node.Collector.CertifiedHeight >= height);
        return height;
    }

    private CheckpointTrust Trust() =>
        CheckpointTrust.FromGenesis(ConsortiumGenesis.Parse(File.ReadAllBytes(Consortium.GenesisPath)), [new CheckpointWitness(TestConsortium.WitnessId, Consortium.Witness.Public)]);

    private string Cosign(Checkpoint checkpoint) =>
        new SignedNote(checkpoint.Format(), [Cosignature.Sign(Consortium.Witness, TestConsortium.WitnessId, checkpoint, 1_700_000_000)]).Format();

    private static SignedNote Cosign(SignedNote note, KeyPair witness, string name) =>
        note.WithSignature(Cosignature.Sign(witness, name, Checkpoint.Parse(note.Text), 1_700_000_000));

    private void AssertRefused(SignedNote note, StatusCode status, string detail) => AssertRefused(note.Format(), status, detail);

    private void AssertRefused(string note, StatusCode status, string detail)
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = note }));
        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(status), error.Status.Detail);
            Assert.That(error.Status.Detail, Does.Contain(detail));
        });
    }
}
